import { LOW_STOCK_THRESHOLD, listStock } from '../inventory/service';
import type { InventoryStore } from '../inventory/store';
import { eventKey } from '../shared/event-catalog';
import { fromCents } from '../shared/money';
import type { CountedOrderEvent, Counters, Overview } from './schemas';
import { COUNTERS, type Counter, type DayCounters, type DayIncrement, type ReportingStore } from './store';

/** The overview reports money in the platform's one currency (the catalog prices everything in it). */
export const REPORT_CURRENCY = 'USD';
export const OVERVIEW_DAYS = 30;
/** How many low-stock SKUs the overview lists; the inventory listing pages through the rest. */
export const LOW_STOCK_ITEMS = 50;
/**
 * How long a counted event's marker is kept: longer than anything can redeliver it (EventBridge retries for 2
 * hours, a dead-letter queue keeps an event 14 days for a redrive).
 */
export const MARKER_TTL_DAYS = 30;

const DAY_MS = 86_400_000;

/** `YYYY-MM-DD` of an instant, in UTC. */
export const utcDay = (instant: string | Date): string => new Date(instant).toISOString().slice(0, 10);

/** The `count` UTC days that end with the day of `now`, oldest first. */
export const lastDays = (now: Date, count: number): string[] => {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return Array.from({ length: count }, (_, i) => utcDay(new Date(today - (count - 1 - i) * DAY_MS)));
};

/** A failure reason as a counter key: the saga's SNAKE_CASE codes as they are, anything else as OTHER. */
export const reasonKey = (reason: string): string => (/^[A-Z][A-Z0-9_]{0,63}$/.test(reason) ? reason : 'OTHER');

/** What an order event adds to the counters of the day it happened (its own time, not when it is processed). */
export const incrementOf = (event: CountedOrderEvent): DayIncrement => {
  const day = utcDay(event.time);
  switch (event['detail-type']) {
    case 'OrderPlaced':
      return { day, counts: { ordersPlaced: 1 } };
    case 'OrderConfirmed':
      return {
        day,
        counts: { ordersConfirmed: 1 },
        revenue: { currency: event.detail.currency, cents: event.detail.totalCents },
      };
    case 'OrderFailed':
      return { day, counts: { ordersFailed: 1 }, failedReason: reasonKey(event.detail.reason) };
    case 'OrderCancelled': {
      const { previousStatus, totalCents, currency } = event.detail;
      // Only a confirmed order's total was counted as revenue; the event says so, or its total is unknown.
      const refunded = previousStatus === 'CONFIRMED' && totalCents !== undefined && totalCents > 0;
      return {
        day,
        counts: { ordersCancelled: 1 },
        ...(refunded && { revenue: { currency: currency ?? REPORT_CURRENCY, cents: -totalCents } }),
      };
    }
  }
};

export interface CountingDeps {
  store: Pick<ReportingStore, 'count'>;
  now?: () => Date;
}

/** Counts an order event into its day's counters, exactly once per event (eventKey: a republish counts nothing). */
export const countOrderEvent = async (
  deps: CountingDeps,
  event: CountedOrderEvent,
): Promise<'counted' | 'duplicate'> => {
  const now = (deps.now ?? (() => new Date()))();
  const expiresAt = Math.floor(now.getTime() / 1000) + MARKER_TTL_DAYS * 86_400;
  return deps.store.count(eventKey(event), incrementOf(event), expiresAt);
};

export interface OverviewDeps {
  store: Pick<ReportingStore, 'days'>;
  inventory: InventoryStore;
  now?: () => Date;
}

const zero = () => Object.fromEntries(COUNTERS.map((counter) => [counter, 0])) as Record<Counter, number>;

const countersOf = (counts: Record<Counter, number>, revenueCents: number): Counters => ({
  ...counts,
  revenue: fromCents(revenueCents),
});

/**
 * The admin dashboard's overview: today, the last 30 days in total and day by day (zero-filled), why orders
 * failed, and the SKUs running low (the inventory listing's first page below the threshold).
 */
export const overview = async (deps: OverviewDeps, query: { lowStockBelow?: number }): Promise<Overview> => {
  const now = (deps.now ?? (() => new Date()))();
  const dates = lastDays(now, OVERVIEW_DAYS);
  const from = dates[0] as string;
  const to = dates.at(-1) as string;
  const threshold = query.lowStockBelow ?? LOW_STOCK_THRESHOLD;
  const [stored, lowStock] = await Promise.all([
    deps.store.days(from, to),
    listStock({ store: deps.inventory }, { below: threshold, limit: LOW_STOCK_ITEMS }),
  ]);
  const byDate = new Map<string, DayCounters>(stored.map((day) => [day.date, day]));

  const total = zero();
  let totalRevenue = 0;
  const reasons = new Map<string, number>();
  const days = dates.map((date) => {
    const day = byDate.get(date);
    const counts = day?.counts ?? zero();
    const revenue = day?.revenueCents[REPORT_CURRENCY] ?? 0;
    for (const counter of COUNTERS) total[counter] += counts[counter];
    totalRevenue += revenue;
    for (const [reason, count] of Object.entries(day?.failedByReason ?? {})) {
      reasons.set(reason, (reasons.get(reason) ?? 0) + count);
    }
    return { date, ...countersOf(counts, revenue) };
  });

  return {
    currency: REPORT_CURRENCY,
    today: days.at(-1) as Overview['today'],
    last30Days: { from, to, ...countersOf(total, totalRevenue) },
    failedByReason: [...reasons]
      .filter(([, count]) => count > 0)
      .sort(([a, x], [b, y]) => y - x || a.localeCompare(b))
      .map(([reason, count]) => ({ reason, count })),
    days,
    lowStock: { threshold, items: lowStock.items, nextCursor: lowStock.nextCursor },
  };
};
