import {
  type CancellationReason,
  IdempotentParameterMismatchException,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { StockContentionError } from '../../../functions/inventory/errors';
import { bandOf, bandRange, inventoryStore } from '../../../functions/inventory/store';

beforeAll(() => {
  process.env.INVENTORY_TABLE = 'inventory-test';
});

interface Sent {
  name: string;
  input: Record<string, unknown>;
}

/** A document client that answers each call with the next scripted reply (a value, or an error to throw). */
const scriptedClient = (replies: unknown[]) => {
  const sent: Sent[] = [];
  const client = {
    send: async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
      sent.push({ name: command.constructor.name, input: command.input });
      if (replies.length === 0) throw new Error(`unscripted call ${command.constructor.name}`);
      const reply = replies.shift();
      if (reply instanceof Error) throw reply;
      return reply;
    },
  };
  return { client: client as unknown as DynamoDBDocumentClient, sent };
};

const cancelled = (...reasons: CancellationReason[]) =>
  new TransactionCanceledException({ message: 'Transaction cancelled', $metadata: {}, CancellationReasons: reasons });
const none: CancellationReason = { Code: 'None' };
const stockFailed = (available?: number): CancellationReason => ({
  Code: 'ConditionalCheckFailed',
  ...(available !== undefined && { Item: { available: { N: String(available) } } }),
});

type TransactItem = { Update?: { ConditionExpression: string; ExpressionAttributeValues: Record<string, unknown> } };
const stockConditions = (sent: Sent) =>
  (sent.input.TransactItems as TransactItem[]).flatMap((item) =>
    item.Update ? [[item.Update.ConditionExpression, item.Update.ExpressionAttributeValues]] : [],
  );

const now = new Date('2026-03-01T00:00:00.000Z');
const T = 5;

describe('bands', () => {
  it('classify every count, and each band condition holds exactly for the counts of that band', () => {
    for (let quantity = 1; quantity <= 12; quantity++) {
      for (let available = 0; available <= 25; available++) {
        const band = bandOf(available, quantity, T);
        if (band === 'short') {
          expect(available).toBeLessThan(quantity);
          continue;
        }
        const crosses = available >= T && available - quantity < T;
        expect(band === 'crossing').toBe(crosses);
        for (const other of ['above', 'crossing', 'below'] as const) {
          const { lo, hi } = bandRange(other, quantity, T);
          const inRange = available >= lo && (hi === undefined || available < hi);
          expect(inRange, `${available} - ${quantity}: ${other}`).toBe(other === band);
        }
      }
    }
  });
});

describe('inventoryStore().reserve', () => {
  it('writes stock and reservation per line in one transaction, first guessing plenty of stock', async () => {
    const { client, sent } = scriptedClient([{}]);
    const outcome = await inventoryStore(client).reserve(
      'o-1',
      [
        { sku: 'A', quantity: 2 },
        { sku: 'B', quantity: 1 },
      ],
      { now, lowThreshold: T },
    );
    expect(outcome).toEqual({
      kind: 'reserved',
      lines: [
        { sku: 'A', quantity: 2, crossedLow: false },
        { sku: 'B', quantity: 1, crossedLow: false },
      ],
    });
    expect(sent).toHaveLength(1);
    const input = sent[0]?.input as {
      TransactItems: Record<string, { Key?: unknown; Item?: unknown }>[];
      ClientRequestToken: string;
    };
    expect(input.TransactItems.map((item) => Object.keys(item)[0])).toEqual(['Update', 'Put', 'Update', 'Put']);
    expect(input.TransactItems[1]?.Put).toMatchObject({
      Item: { pk: 'STOCK#A', sk: 'RES#o-1', orderId: 'o-1', sku: 'A', quantity: 2, status: 'RESERVED' },
      ConditionExpression: 'attribute_not_exists(pk)',
    });
    expect(input.ClientRequestToken).toMatch(/^[0-9a-f]{36}$/);
    expect(stockConditions(sent[0] as Sent)[0]).toEqual([
      'available >= :lo',
      expect.objectContaining({ ':lo': 2 + T }),
    ]);
  });

  it('learns the band from the refused item and retries at once: a crossing is known from the write', async () => {
    const { client, sent } = scriptedClient([cancelled(stockFailed(5), none), {}]);
    const outcome = await inventoryStore(client).reserve('o-1', [{ sku: 'A', quantity: 1 }], {
      now,
      lowThreshold: T,
    });
    expect(outcome).toEqual({ kind: 'reserved', lines: [{ sku: 'A', quantity: 1, crossedLow: true }] });
    expect(stockConditions(sent[1] as Sent)[0]).toEqual([
      'available >= :lo AND available < :hi',
      expect.objectContaining({ ':lo': 5, ':hi': 6 }),
    ]);
    // Another request, another token: the refused first one must not make the second a mismatch.
    expect(sent[1]?.input.ClientRequestToken).not.toBe(sent[0]?.input.ClientRequestToken);
  });

  it('reports short and unknown SKUs without retrying', async () => {
    const { client, sent } = scriptedClient([cancelled(none, none, stockFailed(1), none, stockFailed(), none)]);
    const outcome = await inventoryStore(client).reserve(
      'o-1',
      [
        { sku: 'A', quantity: 1 },
        { sku: 'B', quantity: 2 },
        { sku: 'C', quantity: 1 },
      ],
      { now, lowThreshold: T },
    );
    expect(outcome).toEqual({ kind: 'unavailable', short: [{ sku: 'B', requested: 2, available: 1 }], unknown: ['C'] });
    expect(sent).toHaveLength(1);
  });

  it('answers with the order reservations when one exists already', async () => {
    const reservation = {
      pk: 'STOCK#A',
      sk: 'RES#o-1',
      orderId: 'o-1',
      sku: 'A',
      quantity: 2,
      status: 'RESERVED',
      createdAt: 'x',
      updatedAt: 'x',
    };
    const { client, sent } = scriptedClient([
      cancelled(stockFailed(0), { Code: 'ConditionalCheckFailed' }),
      { Responses: { 'inventory-test': [reservation] } },
    ]);
    const outcome = await inventoryStore(client).reserve('o-1', [{ sku: 'A', quantity: 2 }], { now, lowThreshold: T });
    expect(outcome).toEqual({
      kind: 'exists',
      reservations: [{ orderId: 'o-1', sku: 'A', quantity: 2, status: 'RESERVED', createdAt: 'x', updatedAt: 'x' }],
    });
    expect(sent[1]?.name).toBe('BatchGetCommand');
    expect(sent[1]?.input).toMatchObject({ RequestItems: { 'inventory-test': { ConsistentRead: true } } });
  });

  it('treats a token mismatch as an earlier call of the same order, or retries without the token', async () => {
    const mismatch = () => new IdempotentParameterMismatchException({ message: 'mismatch', $metadata: {} });
    const { client, sent } = scriptedClient([mismatch(), { Responses: { 'inventory-test': [] } }, {}]);
    const outcome = await inventoryStore(client).reserve('o-1', [{ sku: 'A', quantity: 1 }], { now, lowThreshold: T });
    expect(outcome.kind).toBe('reserved');
    expect(sent.map((s) => s.name)).toEqual(['TransactWriteCommand', 'BatchGetCommand', 'TransactWriteCommand']);
    expect(sent[2]?.input.ClientRequestToken).toBeUndefined();
  });

  it('backs off on transaction conflicts, then gives up with STOCK_CONTENTION', async () => {
    const conflict = () => cancelled({ Code: 'TransactionConflict' }, none);
    const retried = scriptedClient([conflict(), conflict(), {}]);
    expect(
      (await inventoryStore(retried.client).reserve('o-1', [{ sku: 'A', quantity: 1 }], { now, lowThreshold: T })).kind,
    ).toBe('reserved');
    expect(retried.sent).toHaveLength(3);

    const stuck = scriptedClient(Array.from({ length: 10 }, conflict));
    await expect(
      inventoryStore(stuck.client).reserve('o-1', [{ sku: 'A', quantity: 1 }], { now, lowThreshold: T }),
    ).rejects.toBeInstanceOf(StockContentionError);
  });

  it('rethrows cancellations it cannot act on', async () => {
    const error = cancelled({ Code: 'ValidationError', Message: 'bad' }, none);
    const { client } = scriptedClient([error]);
    await expect(
      inventoryStore(client).reserve('o-1', [{ sku: 'A', quantity: 1 }], { now, lowThreshold: T }),
    ).rejects.toBe(error);
  });
});

describe('inventoryStore().transition', () => {
  const change = {
    sku: 'A',
    quantity: 3,
    from: 'RESERVED' as const,
    to: 'COMMITTED' as const,
    counts: { reserved: -3, sold: 3 },
  };

  it('moves the reservation only from its expected status, and guards the counts that go down', async () => {
    const { client, sent } = scriptedClient([{}]);
    expect(await inventoryStore(client).transition('o-1', [change], now)).toBe('applied');
    const items = (sent[0]?.input.TransactItems ?? []) as { Update: Record<string, unknown> }[];
    const [reservation, stock] = items.map((item) => item.Update);
    expect(reservation).toMatchObject({
      Key: { pk: 'STOCK#A', sk: 'RES#o-1' },
      ConditionExpression: '#status = :from AND quantity = :q',
      ExpressionAttributeValues: { ':from': 'RESERVED', ':to': 'COMMITTED', ':q': 3 },
    });
    expect(stock).toMatchObject({
      Key: { pk: 'STOCK#A', sk: 'STOCK' },
      UpdateExpression: 'SET reserved = reserved + :d_reserved, sold = sold + :d_sold, updatedAt = :now',
      ConditionExpression: 'reserved >= :min_reserved',
      ExpressionAttributeValues: { ':d_reserved': -3, ':d_sold': 3, ':min_reserved': 3 },
    });
  });

  it("is 'stale' when the reservation moved, and refuses to take counts below zero", async () => {
    const stale = scriptedClient([cancelled({ Code: 'ConditionalCheckFailed' }, none)]);
    expect(await inventoryStore(stale.client).transition('o-1', [change], now)).toBe('stale');
    const broken = scriptedClient([cancelled(none, { Code: 'ConditionalCheckFailed' })]);
    await expect(inventoryStore(broken.client).transition('o-1', [change], now)).rejects.toThrow(/do not cover/);
  });

  it('writes nothing for no change', async () => {
    const { client, sent } = scriptedClient([]);
    expect(await inventoryStore(client).transition('o-1', [], now)).toBe('applied');
    expect(sent).toHaveLength(0);
  });
});
