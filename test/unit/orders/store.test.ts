import { randomUUID } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidTransitionError, OrderNotFoundError } from '../../../functions/orders/errors';
import { type OrderRecord, type OrdersStore, ordersStore } from '../../../functions/orders/store';
import { tableName } from '../../../functions/shared/config';
import { BadRequestError } from '../../../functions/shared/errors';
import { domainEvent } from '../../../functions/shared/event-catalog';
import type { OwedEvent } from '../../../functions/shared/outbox';
import { dynamoOutbox } from '../../../functions/shared/outbox-store';
import { type LocalTables, startLocalDynamo } from '../support/dynamo-local';

// The real store against DynamoDB Local: the conditions on status and the indexes are DynamoDB's.
let local: LocalTables;
let store: OrdersStore;

beforeAll(async () => {
  local = await startLocalDynamo();
  store = ordersStore(local.client);
}, 60_000);

afterAll(async () => {
  await local?.stop();
});

const order = (overrides: Partial<OrderRecord> = {}): OrderRecord => ({
  id: `ord_${randomUUID()}`,
  userId: `usr_${randomUUID()}`,
  status: 'PENDING',
  lines: [
    { productId: 'mouse', sku: 'MOUSE-001', name: 'Mouse', quantity: 2, unitPriceCents: 2_550, lineTotalCents: 5_100 },
  ],
  currency: 'USD',
  totalCents: 5_100,
  shippingAddress: { name: 'Ann', line1: '1 Main St', city: 'Springfield', postalCode: '12345', country: 'US' },
  paymentMethod: { type: 'card', token: 'tok_visa' },
  history: [{ status: 'PENDING', at: '2026-03-01T00:00:00.000Z' }],
  correlationId: randomUUID(),
  createdAt: '2026-03-01T00:00:00.000Z',
  updatedAt: '2026-03-01T00:00:00.000Z',
  ...overrides,
});

const at = (minute: number) => `2026-03-01T00:${String(minute).padStart(2, '0')}:00.000Z`;

/** An order event a change owes, as the outbox keeps it. */
const owedEvent = (record: OrderRecord, detailType: OwedEvent['detailType'], minute: number) =>
  domainEvent(
    detailType,
    record.correlationId,
    { orderId: record.id, userId: record.userId, reason: 'X', totalCents: 1, currency: 'USD', lines: [] },
    new Date(at(minute)),
  ) as OwedEvent;
describe('the orders store', () => {
  it('creates an order once and reads it back without its keys', async () => {
    const record = order({ requestHash: 'hash-of-the-request' });
    expect(await store.create(record)).toBe(true);
    expect(await store.get(record.id)).toEqual(record);
    expect(await store.create({ ...record, totalCents: 1 })).toBe(false);
    expect((await store.get(record.id))?.totalCents).toBe(5_100);
    expect(await store.get(`ord_${randomUUID()}`)).toBeUndefined();
  });

  it('moves the status from an expected one, appending to the history in the same write', async () => {
    const record = order();
    await store.create(record);
    const confirmed = await store.transition(
      record.id,
      ['PENDING'],
      { status: 'CONFIRMED', at: at(1) },
      { paymentId: 'pay_1' },
    );
    expect(confirmed).toMatchObject({ status: 'CONFIRMED', paymentId: 'pay_1', updatedAt: at(1) });
    const shipped = await store.transition(record.id, ['CONFIRMED'], { status: 'SHIPPED', at: at(2), by: 'usr_admin' });
    expect(shipped.history).toEqual([
      { status: 'PENDING', at: '2026-03-01T00:00:00.000Z' },
      { status: 'CONFIRMED', at: at(1) },
      { status: 'SHIPPED', at: at(2), by: 'usr_admin' },
    ]);
    expect(await store.get(record.id)).toEqual(shipped);
  });

  it('answers a transaction from the order as the caller read it, as a read after the write would', async () => {
    const outbox = dynamoOutbox('orders', local.client);
    const record = order();
    await store.create(record);
    const confirmed = owedEvent(record, 'OrderConfirmed', 1);
    const answered = await store.transition(
      record.id,
      ['PENDING'],
      { status: 'CONFIRMED', at: at(1) },
      { paymentId: 'pay_1' },
      [confirmed],
      record,
    );
    expect(answered).toEqual(await store.get(record.id));

    const attention = { from: 'CONFIRMED' as const, reason: 'COMMIT_FAILED', at: at(2), steps: ['CommitStock'] };
    const flagged = owedEvent(record, 'OrderFailed', 2);
    const held = await store.transition(
      record.id,
      ['CONFIRMED'],
      { status: 'REQUIRES_ATTENTION', at: at(2), reason: 'COMMIT_FAILED' },
      { attention, failureReason: 'COMMIT_FAILED' },
      [flagged],
      answered,
    );
    expect(held).toEqual(await store.get(record.id));
    const shipped = owedEvent(record, 'OrderShipped', 3);
    const resolved = await store.transition(
      record.id,
      ['REQUIRES_ATTENTION'],
      { status: 'CONFIRMED', at: at(3), by: 'usr_admin' },
      { clearAttention: true },
      [shipped],
      held,
    );
    expect(resolved).toEqual(await store.get(record.id));
    expect(resolved.attention).toBeUndefined();
    await outbox.remove([confirmed, flagged, shipped]);
  });

  it('writes the events a change owes in the outbox, in the same transaction: none when the change is refused', async () => {
    const outbox = dynamoOutbox('orders', local.client);
    const record = order();
    const owed = (detailType: 'OrderPlaced' | 'OrderConfirmed' | 'OrderFailed', minute: number) =>
      owedEvent(record, detailType, minute);
    const placed = owed('OrderPlaced', 0);
    const confirmed = owed('OrderConfirmed', 1);
    const refused = owed('OrderFailed', 2);
    expect(await store.create(record, [placed])).toBe(true);
    expect(await store.create(record, [owed('OrderPlaced', 0)])).toBe(false);
    const updated = await store.transition(record.id, ['PENDING'], { status: 'CONFIRMED', at: at(1) }, {}, [confirmed]);
    expect(updated).toMatchObject({ status: 'CONFIRMED', updatedAt: at(1) });
    await expect(
      store.transition(record.id, ['PENDING'], { status: 'FAILED', at: at(2) }, {}, [refused]),
    ).rejects.toThrow('from CONFIRMED');
    const mine = async () =>
      (await outbox.owedBefore('9999', 1000)).filter((event) => event.correlationId === record.correlationId);
    expect((await mine()).map((event) => event.id)).toEqual([placed.id, confirmed.id]);
    expect((await outbox.owedBefore(at(1), 1000)).map((event) => event.id)).toContain(placed.id);
    expect((await outbox.owedBefore(at(1), 1000)).map((event) => event.id)).not.toContain(confirmed.id);
    await outbox.remove([placed, confirmed]);
    expect(await mine()).toEqual([]);
  });

  it('claims a later run once per number of runs read, only in the statuses given', async () => {
    const record = order();
    await store.create(record);
    const claim = { name: `${record.id}-resume-1`, runsBefore: 0, statuses: ['PENDING' as const] };
    const outcomes = await Promise.all([store.claimRun(record.id, claim), store.claimRun(record.id, claim)]);
    expect(outcomes.sort()).toEqual([false, true]);
    expect(await store.get(record.id)).toMatchObject({ runs: 1, execution: `${record.id}-resume-1` });
    expect(await store.claimRun(record.id, { ...claim, name: 'n', runsBefore: 1, statuses: ['CANCELLED'] })).toBe(
      false,
    );
    expect(await store.claimRun(record.id, { ...claim, name: `${record.id}-resume-2`, runsBefore: 1 })).toBe(true);
  });

  it('lists PENDING orders placed before a time, oldest first, and remembers why an order needs attention', async () => {
    const early = order({ createdAt: '2000-01-01T00:00:00.000Z' });
    const late = order({ createdAt: '2000-01-01T00:10:00.000Z' });
    const settled = order({ createdAt: '2000-01-01T00:05:00.000Z' });
    await Promise.all([early, late, settled].map((record) => store.create(record)));
    const attention = { from: 'PENDING' as const, reason: 'NOT_SETTLED', steps: [], at: at(3) };
    await store.transition(settled.id, ['PENDING'], { status: 'REQUIRES_ATTENTION', at: at(3) }, { attention });
    expect((await store.get(settled.id))?.attention).toEqual(attention);
    const stalled = await store.pendingSince('2000-01-01T00:09:00.000Z', 10);
    expect(stalled.map((record) => record.id)).toEqual([early.id]);
    await store.transition(
      settled.id,
      ['REQUIRES_ATTENTION'],
      { status: 'FAILED', at: at(4) },
      { clearAttention: true },
    );
    expect((await store.get(settled.id))?.attention).toBeUndefined();
  });

  it('refuses a stale status, naming the current one, and leaves the order as it was', async () => {
    const record = order();
    await store.create(record);
    await store.transition(record.id, ['PENDING'], { status: 'CANCELLED', at: at(1) });
    const error = await store
      .transition(record.id, ['PENDING'], { status: 'FAILED', at: at(2) }, { failureReason: 'PAYMENT_DECLINED' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidTransitionError);
    expect((error as Error).message).toContain('from CANCELLED');
    const stored = await store.get(record.id);
    expect(stored?.status).toBe('CANCELLED');
    expect(stored?.failureReason).toBeUndefined();
    expect(stored?.history.map((entry) => entry.status)).toEqual(['PENDING', 'CANCELLED']);
  });

  it('tells a missing order apart from a refused transition', async () => {
    await expect(
      store.transition(`ord_${randomUUID()}`, ['PENDING'], { status: 'CONFIRMED', at: at(1) }),
    ).rejects.toBeInstanceOf(OrderNotFoundError);
  });

  it('lets exactly one of two concurrent changes from the same status win', async () => {
    const record = order();
    await store.create(record);
    const outcomes = await Promise.allSettled([
      store.transition(record.id, ['PENDING'], { status: 'CONFIRMED', at: at(1) }),
      store.transition(record.id, ['PENDING'], { status: 'CANCELLED', at: at(1) }),
    ]);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    const [refused] = outcomes.filter((o) => o.status === 'rejected');
    expect(refused?.reason).toBeInstanceOf(InvalidTransitionError);
    expect((await store.get(record.id))?.history).toHaveLength(2);
  });

  it('keeps the status index in step: the order is listed under its new status, not the old one', async () => {
    const record = order();
    await store.create(record);
    await store.transition(record.id, ['PENDING'], { status: 'CONFIRMED', at: at(1) });
    const { Item } = await local.client.send(
      new GetCommand({ TableName: tableName('orders'), Key: { pk: `ORDER#${record.id}`, sk: 'ORDER' } }),
    );
    expect(Item?.gsi2pk).toBe('STATUS#CONFIRMED');
    const confirmed = await store.listByStatus('CONFIRMED', 100);
    expect(confirmed.items.map((o) => o.id)).toContain(record.id);
    const pending = await store.listByStatus('PENDING', 100);
    expect(pending.items.map((o) => o.id)).not.toContain(record.id);
  });

  it("lists a user's orders newest first, page by page, and only theirs", async () => {
    const userId = `usr_${randomUUID()}`;
    const mine = [3, 1, 5, 2, 4].map((minute) => order({ userId, createdAt: at(minute) }));
    await Promise.all([...mine, order({ createdAt: at(9) })].map((record) => store.create(record)));

    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await store.listByUser(userId, 2, cursor);
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((o) => o.createdAt));
      cursor = page.nextCursor ?? undefined;
      pages++;
    } while (cursor && pages < 10);
    expect(seen).toEqual([at(5), at(4), at(3), at(2), at(1)]);
    expect(pages).toBe(3);
  });

  it("refuses one user's cursor for another user's list", async () => {
    const userId = `usr_${randomUUID()}`;
    await Promise.all([1, 2].map((minute) => store.create(order({ userId, createdAt: at(minute) }))));
    const { nextCursor } = await store.listByUser(userId, 1);
    expect(nextCursor).toEqual(expect.any(String));
    await expect(store.listByUser(`usr_${randomUUID()}`, 1, nextCursor ?? undefined)).rejects.toBeInstanceOf(
      BadRequestError,
    );
  });
});
