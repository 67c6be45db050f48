import { randomUUID } from 'node:crypto';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DayIncrement, type ReportingStore, reportingStore } from '../../../functions/reporting/store';
import { tableName } from '../../../functions/shared/config';
import { platformKeys } from '../../../lib/spec/platform';
import { type LocalTables, startLocalDynamo } from '../support/dynamo-local';

// The real store against DynamoDB Local: the transaction, its condition and its conflicts are DynamoDB's.
let local: LocalTables;
let store: ReportingStore;

beforeAll(async () => {
  local = await startLocalDynamo();
  store = reportingStore(local.client);
}, 60_000);

afterAll(async () => {
  await local?.stop();
});

const EXPIRES = 2_000_000_000;
const placed = (day: string): DayIncrement => ({ day, counts: { ordersPlaced: 1 } });

describe('the daily counters store', () => {
  it('counts an event once: the same id again is a duplicate and changes nothing', async () => {
    const id = randomUUID();
    const confirmed: DayIncrement = {
      day: '2026-01-10',
      counts: { ordersConfirmed: 1 },
      revenue: { currency: 'USD', cents: 129_999 },
    };
    expect(await store.count(id, confirmed, EXPIRES)).toBe('counted');
    expect(await store.count(id, confirmed, EXPIRES)).toBe('duplicate');
    expect(await store.count(id, confirmed, EXPIRES + 60)).toBe('duplicate');
    expect(await store.days('2026-01-10', '2026-01-10')).toEqual([
      {
        date: '2026-01-10',
        counts: { ordersPlaced: 0, ordersConfirmed: 1, ordersFailed: 0, ordersCancelled: 0 },
        revenueCents: { USD: 129_999 },
        failedByReason: {},
      },
    ]);
    const { Item } = await local.client.send(
      new GetCommand({ TableName: tableName('platform'), Key: platformKeys.reportCounted(id) }),
    );
    expect(Item).toMatchObject({ day: '2026-01-10', expiresAt: EXPIRES });
  });

  it('adds failures per reason and takes refunds off the revenue', async () => {
    const day = '2026-01-11';
    await store.count(randomUUID(), { day, counts: { ordersFailed: 1 }, failedReason: 'PAYMENT_DECLINED' }, EXPIRES);
    await store.count(randomUUID(), { day, counts: { ordersFailed: 1 }, failedReason: 'PAYMENT_DECLINED' }, EXPIRES);
    await store.count(randomUUID(), { day, counts: { ordersFailed: 1 }, failedReason: 'OUT_OF_STOCK' }, EXPIRES);
    await store.count(
      randomUUID(),
      { day, counts: { ordersCancelled: 1 }, revenue: { currency: 'USD', cents: -2_500 } },
      EXPIRES,
    );
    expect(await store.days(day, day)).toEqual([
      {
        date: day,
        counts: { ordersPlaced: 0, ordersConfirmed: 0, ordersFailed: 3, ordersCancelled: 1 },
        revenueCents: { USD: -2_500 },
        failedByReason: { PAYMENT_DECLINED: 2, OUT_OF_STOCK: 1 },
      },
    ]);
  });

  it('keeps exact counts under concurrent deliveries of one day, redeliveries among them', async () => {
    const day = '2026-01-12';
    const ids = Array.from({ length: 40 }, () => randomUUID());
    // Every event delivered twice at once (EventBridge's at-least-once), all into the same day's item.
    const outcomes = await Promise.all([...ids, ...ids].map((id) => store.count(id, placed(day), EXPIRES)));
    expect(outcomes.filter((o) => o === 'counted')).toHaveLength(40);
    expect(outcomes.filter((o) => o === 'duplicate')).toHaveLength(40);
    const [counters] = await store.days(day, day);
    expect(counters?.counts.ordersPlaced).toBe(40);
  }, 60_000);

  it('reads the days of a range in one query, the days around it left out', async () => {
    for (const day of ['2026-02-27', '2026-02-28', '2026-03-01', '2026-03-02']) {
      await store.count(randomUUID(), placed(day), EXPIRES);
    }
    expect((await store.days('2026-02-28', '2026-03-01')).map((d) => d.date)).toEqual(['2026-02-28', '2026-03-01']);
    expect(await store.days('2025-01-01', '2025-01-31')).toEqual([]);
  });
});

describe('the daily counters store, when DynamoDB refuses', () => {
  /** A document client answering each call with the next scripted reply (a value, or an error to throw). */
  const scripted = (replies: unknown[]) => {
    let calls = 0;
    const client = {
      send: async () => {
        calls++;
        const reply = replies.shift();
        if (reply instanceof Error) throw reply;
        return reply ?? {};
      },
    };
    return { store: reportingStore(client as unknown as DynamoDBDocumentClient), calls: () => calls };
  };
  const cancelled = (...codes: string[]) =>
    new TransactionCanceledException({
      message: 'Transaction cancelled',
      $metadata: {},
      CancellationReasons: codes.map((Code) => ({ Code })),
    });

  it('tries again when the day is busy with other transactions', async () => {
    const { store: busy, calls } = scripted([
      cancelled('None', 'TransactionConflict'),
      cancelled('None', 'TransactionConflict'),
      {},
    ]);
    expect(await busy.count('evt-1', placed('2026-01-01'), EXPIRES)).toBe('counted');
    expect(calls()).toBe(3);
  });

  it('answers duplicate when the marker exists, even while the day is busy', async () => {
    const { store: seen } = scripted([cancelled('ConditionalCheckFailed', 'TransactionConflict')]);
    expect(await seen.count('evt-1', placed('2026-01-01'), EXPIRES)).toBe('duplicate');
  });

  it('gives up (and lets the event be redelivered) after its attempts, and at once on anything else', async () => {
    const { store: jammed, calls } = scripted(
      Array.from({ length: 20 }, () => cancelled('None', 'TransactionConflict')),
    );
    await expect(jammed.count('evt-1', placed('2026-01-01'), EXPIRES)).rejects.toThrow(/not counted/);
    expect(calls()).toBe(8);
    const { store: broken, calls: brokenCalls } = scripted([cancelled('None', 'ValidationError')]);
    await expect(broken.count('evt-1', placed('2026-01-01'), EXPIRES)).rejects.toThrow(TransactionCanceledException);
    expect(brokenCalls()).toBe(1);
  }, 30_000);
});
