import {
  IdempotencyAlreadyInProgressError,
  IdempotencyConfig,
  makeIdempotent,
} from '@aws-lambda-powertools/idempotency';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Context } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { idempotencyOptions } from '../../../functions/payments/config';
import { PaymentInProgressError } from '../../../functions/payments/errors';
import { once, platformPersistence } from '../../../functions/shared/idempotency';
import { MemoryPersistence } from '../payments/fakes';

afterEach(() => {
  vi.unstubAllEnvs();
});

interface SentCommand {
  constructor: { name: string };
  input: { TableName?: string; Key?: Record<string, unknown>; Item?: Record<string, unknown> };
}

/** The keys the DynamoDB persistence layer writes for one payment operation, as one function would. */
const keysWritten = async (functionName: string, operation: 'charge' | 'refund', orderId: string) => {
  vi.stubEnv('AWS_LAMBDA_FUNCTION_NAME', functionName);
  vi.stubEnv('PLATFORM_TABLE', 'shop-platform');
  const client = new DynamoDBClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  const sent: SentCommand[] = [];
  vi.spyOn(client, 'send').mockImplementation((async (command: SentCommand) => {
    sent.push(command);
    return {};
  }) as never);
  const options = idempotencyOptions(operation);
  const charge = once(options, platformPersistence(options.scope, client));
  await charge({ orderId }, async () => ({ ok: true }));
  return sent.map((command) => {
    const item = (command.input.Key ?? command.input.Item ?? {}) as Record<string, { S?: string } | undefined>;
    return { command: command.constructor.name, table: command.input.TableName, pk: item.pk?.S, sk: item.sk?.S };
  });
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the idempotency records of charges and refunds', () => {
  it('have keys derived from the order alone, whichever function writes them', async () => {
    const saga = await keysWritten('Shop-dev-ChargePayment-abc', 'charge', 'ord_1');
    const api = await keysWritten('Shop-dev-PayOrder-xyz', 'charge', 'ord_1');
    expect(saga.map((c) => c.command)).toEqual(['PutItemCommand', 'UpdateItemCommand']);
    expect(api).toEqual(saga);
    const [put] = saga;
    expect(put).toMatchObject({
      table: 'shop-platform',
      pk: 'IDEMPOTENCY#payments.charge',
      sk: expect.stringMatching(/^payments\.charge#/),
    });
  });

  it('differ between orders, and between the charge and the refund of an order', async () => {
    const charge = await keysWritten('fn', 'charge', 'ord_1');
    const otherOrder = await keysWritten('fn', 'charge', 'ord_2');
    const refund = await keysWritten('fn', 'refund', 'ord_1');
    expect(otherOrder[0]?.sk).not.toEqual(charge[0]?.sk);
    expect(refund[0]).toMatchObject({
      pk: 'IDEMPOTENCY#payments.refund',
      sk: expect.stringMatching(/^payments\.refund#/),
    });
    expect(refund[0]?.sk).not.toEqual(charge[0]?.sk);
  });
});

describe('once', () => {
  const waiting = { scope: 'test.op', expiresAfterSeconds: 60, inProgress: { waitMs: 2000, pollMs: 5 } };

  it('runs the work once and replays its result to duplicates, concurrent or later', async () => {
    const run = once(waiting, new MemoryPersistence());
    let runs = 0;
    const work = async () => {
      runs++;
      await sleep(30);
      return { paymentId: 'pay_1', note: undefined };
    };
    const results = await Promise.all(Array.from({ length: 8 }, () => run({ orderId: 'ord_1' }, work)));
    const later = await run({ orderId: 'ord_1' }, work);
    expect(runs).toBe(1);
    // Whoever ran it and whoever was replayed see the same JSON value.
    expect(new Set(results.map((r) => JSON.stringify(r.value)))).toEqual(new Set(['{"paymentId":"pay_1"}']));
    expect(results.filter((r) => !r.replayed)).toHaveLength(1);
    expect(later).toEqual({ value: { paymentId: 'pay_1' }, replayed: true });
  });

  it('replays a record written before values were wrapped (a deploy within its expiry) as that value', async () => {
    const persistence = new MemoryPersistence();
    const before = makeIdempotent(async (_payload: { orderId: string }) => ({ paymentId: 'pay_old' }), {
      persistenceStore: persistence,
      keyPrefix: waiting.scope,
      config: new IdempotencyConfig({
        expiresAfterSeconds: 60,
        lambdaContext: { getRemainingTimeInMillis: () => 30_000 } as Context,
      }),
    });
    await before({ orderId: 'ord_1' });
    let runs = 0;
    const replay = await once(waiting, persistence)({ orderId: 'ord_1' }, async () => {
      runs++;
      return { paymentId: 'pay_new' };
    });
    expect(runs).toBe(0);
    expect(replay).toEqual({ value: { paymentId: 'pay_old' }, replayed: true });
  });

  it('remembers nothing when the work throws', async () => {
    const run = once(waiting, new MemoryPersistence());
    await expect(run({ orderId: 'ord_1' }, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await run({ orderId: 'ord_1' }, async () => 'second')).toEqual({ value: 'second', replayed: false });
  });

  it('gives up waiting for a first call that holds the record too long, with the error of the caller', async () => {
    const options = idempotencyOptions('charge');
    const run = once(
      { ...options, inProgress: { waitMs: 50, pollMs: 5, gaveUp: options.inProgress?.gaveUp } },
      new MemoryPersistence(),
    );
    let release: () => void = () => undefined;
    const first = run({ orderId: 'ord_1' }, () => new Promise<string>((resolve) => (release = () => resolve('first'))));
    await sleep(10);
    const duplicate = run({ orderId: 'ord_1' }, async () => 'second');
    await expect(duplicate).rejects.toBeInstanceOf(PaymentInProgressError);
    await expect(duplicate).rejects.toThrow('order ord_1');
    release();
    expect(await first).toEqual({ value: 'first', replayed: false });
  });

  it('without inProgress, a duplicate of a running call fails at once (its caller retries)', async () => {
    const run = once({ scope: 'test.op', expiresAfterSeconds: 60 }, new MemoryPersistence());
    let release: () => void = () => undefined;
    const first = run({ id: 'e1' }, () => new Promise<string>((resolve) => (release = () => resolve('first'))));
    await sleep(5);
    await expect(run({ id: 'e1' }, async () => 'second')).rejects.toBeInstanceOf(IdempotencyAlreadyInProgressError);
    release();
    await first;
    expect(await run({ id: 'e1' }, async () => 'third')).toEqual({ value: 'first', replayed: true });
  });

  it('lets a duplicate take over once the in-progress lock of a dead call has expired', async () => {
    const run = once(waiting, new MemoryPersistence());
    // A call that never finishes (its function died), with 20 ms of lock left.
    void run({ orderId: 'ord_1' }, () => new Promise<never>(() => undefined), { getRemainingTimeInMillis: () => 20 });
    await sleep(5);
    expect(await run({ orderId: 'ord_1' }, async () => 'taken over')).toEqual({ value: 'taken over', replayed: false });
  });

  it("keys by keyPath, and refuses a reused key with another payload by the caller's error", async () => {
    class ReusedError extends Error {}
    const run = once<{ userId: string; key: string; body: unknown }>(
      {
        scope: 'test.create',
        expiresAfterSeconds: 60,
        keyPath: '[userId, key]',
        payloadPath: 'body',
        reused: () => new ReusedError(),
      },
      new MemoryPersistence(),
    );
    const first = await run({ userId: 'u1', key: 'k', body: { n: 1 } }, async () => 'order 1');
    expect(await run({ userId: 'u1', key: 'k', body: { n: 1 } }, async () => 'order 2')).toEqual({
      value: first.value,
      replayed: true,
    });
    // Another user's same key is another key.
    expect((await run({ userId: 'u2', key: 'k', body: { n: 1 } }, async () => 'order 3')).value).toBe('order 3');
    await expect(run({ userId: 'u1', key: 'k', body: { n: 2 } }, async () => 'order 4')).rejects.toBeInstanceOf(
      ReusedError,
    );
  });
});
