import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PaymentInProgressError } from '../../../functions/payments/errors';
import { type IdempotentOperation, platformPersistence, powertoolsOnce } from '../../../functions/payments/idempotency';
import { MemoryPersistence } from './fakes';

afterEach(() => {
  vi.unstubAllEnvs();
});

interface SentCommand {
  constructor: { name: string };
  input: { TableName?: string; Key?: Record<string, unknown>; Item?: Record<string, unknown> };
}

/** The keys the DynamoDB persistence layer writes for one operation, as one function would. */
const keysWritten = async (functionName: string, operation: IdempotentOperation, orderId: string) => {
  vi.stubEnv('AWS_LAMBDA_FUNCTION_NAME', functionName);
  vi.stubEnv('PLATFORM_TABLE', 'shop-platform');
  const client = new DynamoDBClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  const sent: SentCommand[] = [];
  vi.spyOn(client, 'send').mockImplementation((async (command: SentCommand) => {
    sent.push(command);
    return {};
  }) as never);
  const once = powertoolsOnce(operation, platformPersistence(operation, client));
  await once(orderId, async () => ({ ok: true }));
  return sent.map((command) => {
    const item = (command.input.Key ?? command.input.Item ?? {}) as Record<string, { S?: string } | undefined>;
    return { command: command.constructor.name, table: command.input.TableName, pk: item.pk?.S, sk: item.sk?.S };
  });
};

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

describe('powertoolsOnce', () => {
  it('runs the work once and replays its result to duplicates, concurrent or later', async () => {
    const once = powertoolsOnce('charge', new MemoryPersistence(), { pollMs: 5 });
    let runs = 0;
    const work = async () => {
      runs++;
      await new Promise((resolve) => setTimeout(resolve, 30));
      return { paymentId: 'pay_1', note: undefined };
    };
    const results = await Promise.all(Array.from({ length: 8 }, () => once('ord_1', work)));
    const later = await once('ord_1', work);
    expect(runs).toBe(1);
    // Whoever ran it and whoever was replayed see the same JSON value.
    expect(new Set(results.map((r) => JSON.stringify(r.value)))).toEqual(new Set(['{"paymentId":"pay_1"}']));
    expect(results.filter((r) => !r.replayed)).toHaveLength(1);
    expect(later).toEqual({ value: { paymentId: 'pay_1' }, replayed: true });
  });

  it('remembers nothing when the work throws', async () => {
    const once = powertoolsOnce('charge', new MemoryPersistence());
    await expect(once('ord_1', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await once('ord_1', async () => 'second')).toEqual({ value: 'second', replayed: false });
  });

  it('gives up waiting for a first call that holds the record too long', async () => {
    const once = powertoolsOnce('charge', new MemoryPersistence(), { waitMs: 50, pollMs: 5 });
    let release: () => void = () => undefined;
    const first = once('ord_1', () => new Promise<string>((resolve) => (release = () => resolve('first'))));
    await new Promise((resolve) => setTimeout(resolve, 10));
    await expect(once('ord_1', async () => 'second')).rejects.toBeInstanceOf(PaymentInProgressError);
    release();
    expect(await first).toEqual({ value: 'first', replayed: false });
  });

  it('lets a duplicate take over once the in-progress lock of a dead call has expired', async () => {
    const persistence = new MemoryPersistence();
    const once = powertoolsOnce('charge', persistence, { pollMs: 5 });
    // A call that never finishes (its function died), with 20 ms of lock left.
    void once('ord_1', () => new Promise<never>(() => undefined), { getRemainingTimeInMillis: () => 20 });
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(await once('ord_1', async () => 'taken over')).toEqual({ value: 'taken over', replayed: false });
  });
});
