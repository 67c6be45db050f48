import { describe, expect, it } from 'vitest';
import type { CountedOrderEvent } from '../../../functions/reporting/schemas';
import {
  countOrderEvent,
  incrementOf,
  LOW_STOCK_ITEMS,
  lastDays,
  MARKER_TTL_DAYS,
  overview,
  reasonKey,
  utcDay,
} from '../../../functions/reporting/service';
import type { DayCounters, DayIncrement } from '../../../functions/reporting/store';
import { memoryInventoryStore } from '../inventory/fake-store';

type Detail<T extends CountedOrderEvent['detail-type']> = Extract<CountedOrderEvent, { 'detail-type': T }>['detail'];

/** An event with only the fields the counters read. */
const event = <T extends CountedOrderEvent['detail-type']>(
  detailType: T,
  detail: Partial<Detail<T>>,
  time = '2026-11-29T12:00:00Z',
) =>
  ({
    id: `evt-${detailType}`,
    time,
    source: 'shop.orders',
    'detail-type': detailType,
    detail,
  }) as unknown as CountedOrderEvent;

describe('day arithmetic', () => {
  it('takes the UTC day of the event time, whatever its offset', () => {
    expect(utcDay('2026-11-29T23:59:59Z')).toBe('2026-11-29');
    expect(utcDay('2026-11-30T00:00:00Z')).toBe('2026-11-30');
    // 23:30 in New York is 04:30 the next day in UTC.
    expect(utcDay('2026-11-29T23:30:00-05:00')).toBe('2026-11-30');
    expect(utcDay('2026-11-30T01:00:00+02:00')).toBe('2026-11-29');
  });

  it('lists the last n days ending today, oldest first, across month, year and leap-day boundaries', () => {
    expect(lastDays(new Date('2026-03-02T00:00:00Z'), 3)).toEqual(['2026-02-28', '2026-03-01', '2026-03-02']);
    expect(lastDays(new Date('2028-03-01T23:59:59.999Z'), 3)).toEqual(['2028-02-28', '2028-02-29', '2028-03-01']);
    expect(lastDays(new Date('2027-01-01T10:00:00Z'), 2)).toEqual(['2026-12-31', '2027-01-01']);
    const month = lastDays(new Date('2026-11-29T18:00:00Z'), 30);
    expect(month).toHaveLength(30);
    expect(month[0]).toBe('2026-10-31');
    expect(month.at(-1)).toBe('2026-11-29');
    expect(new Set(month).size).toBe(30);
  });
});

describe('what an order event adds to its day', () => {
  it('counts each kind on the day of the event, not of the processing', () => {
    expect(incrementOf(event('OrderPlaced', {}, '2026-11-01T23:59:59Z'))).toEqual({
      day: '2026-11-01',
      counts: { ordersPlaced: 1 },
    });
    expect(incrementOf(event('OrderConfirmed', { totalCents: 129_999, currency: 'USD' }))).toEqual({
      day: '2026-11-29',
      counts: { ordersConfirmed: 1 },
      revenue: { currency: 'USD', cents: 129_999 },
    });
    expect(incrementOf(event('OrderFailed', { reason: 'PAYMENT_DECLINED' }))).toEqual({
      day: '2026-11-29',
      counts: { ordersFailed: 1 },
      failedReason: 'PAYMENT_DECLINED',
    });
  });

  it('takes a cancelled order off the revenue only when it had been confirmed and the event carries its total', () => {
    const cancelled = (detail: Partial<Detail<'OrderCancelled'>>) => incrementOf(event('OrderCancelled', detail));
    expect(cancelled({ previousStatus: 'CONFIRMED', totalCents: 5_000, currency: 'USD' })).toEqual({
      day: '2026-11-29',
      counts: { ordersCancelled: 1 },
      revenue: { currency: 'USD', cents: -5_000 },
    });
    expect(cancelled({ previousStatus: 'PENDING', totalCents: 5_000, currency: 'USD' })).toEqual({
      day: '2026-11-29',
      counts: { ordersCancelled: 1 },
    });
    expect(cancelled({ previousStatus: 'CONFIRMED' })).toEqual({ day: '2026-11-29', counts: { ordersCancelled: 1 } });
    expect(cancelled({ previousStatus: 'CONFIRMED', totalCents: 700 })?.revenue).toEqual({
      currency: 'USD',
      cents: -700,
    });
  });

  it('keeps SNAKE_CASE reasons and files anything else under OTHER', () => {
    expect(reasonKey('OUT_OF_STOCK')).toBe('OUT_OF_STOCK');
    expect(reasonKey('PAYMENT_TIMEOUT')).toBe('PAYMENT_TIMEOUT');
    expect(reasonKey('card was declined')).toBe('OTHER');
    expect(reasonKey('')).toBe('OTHER');
    expect(reasonKey(`A${'B'.repeat(64)}`)).toBe('OTHER');
  });

  it('gives the marker a TTL from the processing time and hands the store the event id', async () => {
    const calls: [string, DayIncrement, number][] = [];
    const now = new Date('2026-11-29T12:00:00Z');
    const outcome = await countOrderEvent(
      {
        store: {
          count: async (...args) => {
            calls.push(args);
            return 'counted';
          },
        },
        now: () => now,
      },
      event('OrderPlaced', {}, '2026-11-20T08:00:00Z'),
    );
    expect(outcome).toBe('counted');
    expect(calls).toEqual([
      [
        'evt-OrderPlaced',
        { day: '2026-11-20', counts: { ordersPlaced: 1 } },
        now.getTime() / 1000 + MARKER_TTL_DAYS * 86_400,
      ],
    ]);
  });
});

describe('counting once per event', () => {
  it("keys the count on the event's own id when it has one, so a republished event counts nothing more", async () => {
    const keys: string[] = [];
    const deps = {
      store: {
        count: async (key: string) => {
          keys.push(key);
          return 'counted' as const;
        },
      },
    };
    const republished = { ...event('OrderConfirmed', { eventId: 'evt-1' }), id: 'envelope-2' };
    await countOrderEvent(deps, { ...event('OrderConfirmed', { eventId: 'evt-1' }), id: 'envelope-1' });
    await countOrderEvent(deps, republished as CountedOrderEvent);
    expect(keys).toEqual(['evt-1', 'evt-1']);
  });
});

describe('the overview', () => {
  const day = (
    date: string,
    counts: Partial<DayCounters['counts']>,
    extra: Partial<DayCounters> = {},
  ): DayCounters => ({
    date,
    counts: { ordersPlaced: 0, ordersConfirmed: 0, ordersFailed: 0, ordersCancelled: 0, ...counts },
    revenueCents: {},
    failedByReason: {},
    ...extra,
  });

  it('zero-fills the 30 days, sums them, and lists failure reasons most frequent first', async () => {
    const asked: [string, string][] = [];
    const stored = [
      day(
        '2026-10-31',
        { ordersPlaced: 2, ordersConfirmed: 1, ordersFailed: 1 },
        {
          revenueCents: { USD: 1_999 },
          failedByReason: { PAYMENT_DECLINED: 1 },
        },
      ),
      day(
        '2026-11-15',
        { ordersPlaced: 3, ordersFailed: 3, ordersCancelled: 1 },
        {
          revenueCents: { USD: -500, EUR: 10_000 },
          failedByReason: { OUT_OF_STOCK: 2, INSUFFICIENT_FUNDS: 1 },
        },
      ),
      day('2026-11-29', { ordersPlaced: 1, ordersConfirmed: 1 }, { revenueCents: { USD: 129_999 } }),
    ];
    const result = await overview(
      {
        store: {
          days: async (from, to) => {
            asked.push([from, to]);
            return stored;
          },
        },
        inventory: memoryInventoryStore().store,
        now: () => new Date('2026-11-29T23:00:00Z'),
      },
      {},
    );
    expect(asked).toEqual([['2026-10-31', '2026-11-29']]);
    expect(result.currency).toBe('USD');
    expect(result.today).toEqual({
      date: '2026-11-29',
      ordersPlaced: 1,
      ordersConfirmed: 1,
      ordersFailed: 0,
      ordersCancelled: 0,
      revenue: 1299.99,
    });
    expect(result.last30Days).toEqual({
      from: '2026-10-31',
      to: '2026-11-29',
      ordersPlaced: 6,
      ordersConfirmed: 2,
      ordersFailed: 4,
      ordersCancelled: 1,
      // Other currencies are not mixed in.
      revenue: 1314.98,
    });
    expect(result.failedByReason).toEqual([
      { reason: 'OUT_OF_STOCK', count: 2 },
      { reason: 'INSUFFICIENT_FUNDS', count: 1 },
      { reason: 'PAYMENT_DECLINED', count: 1 },
    ]);
    expect(result.days).toHaveLength(30);
    expect(result.days[0]).toMatchObject({ date: '2026-10-31', ordersPlaced: 2, revenue: 19.99 });
    expect(result.days[1]).toEqual({
      date: '2026-11-01',
      ordersPlaced: 0,
      ordersConfirmed: 0,
      ordersFailed: 0,
      ordersCancelled: 0,
      revenue: 0,
    });
    expect(result.days[15]).toMatchObject({ date: '2026-11-15', ordersCancelled: 1, revenue: -5 });
  });

  it('lists the SKUs below the threshold (5 by default), at most one page of them', async () => {
    const inventory = memoryInventoryStore({ LOW: 2, EMPTY: 0, EDGE: 5, PLENTY: 40 });
    const deps = { store: { days: async () => [] }, inventory: inventory.store };
    const byDefault = await overview(deps, {});
    expect(byDefault.lowStock).toEqual({
      threshold: 5,
      items: [
        { sku: 'LOW', available: 2, reserved: 0 },
        { sku: 'EMPTY', available: 0, reserved: 0 },
      ],
      nextCursor: null,
    });
    expect((await overview(deps, { lowStockBelow: 6 })).lowStock.items.map((s) => s.sku)).toEqual([
      'LOW',
      'EMPTY',
      'EDGE',
    ]);

    const many = memoryInventoryStore(Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`SKU-${i}`, 1])));
    const page = await overview({ ...deps, inventory: many.store }, {});
    expect(page.lowStock.items).toHaveLength(LOW_STOCK_ITEMS);
    expect(page.lowStock.nextCursor).not.toBeNull();
  });
});
