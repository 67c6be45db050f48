import * as z from 'zod/mini';
import type { EventEnvelope } from '../shared/event-catalog';

/** The order events the daily counters count, as the CountOrderEvents rule delivers them. */
export const countedOrderEvents = ['OrderPlaced', 'OrderConfirmed', 'OrderFailed', 'OrderCancelled'] as const;

/** A counted event, parsed with the event catalog: its id is the exactly-once key, its time the day it counts for. */
export type CountedOrderEvent = EventEnvelope<(typeof countedOrderEvents)[number]>;

export const OverviewQuery = z.object({
  /** Low stock: SKUs with fewer than this many available. */
  lowStockBelow: z.optional(
    z.pipe(
      z.string().check(z.regex(/^\d{1,4}$/, 'Expected a whole number')),
      z.pipe(z.transform(Number), z.number().check(z.gte(1), z.lte(1000))),
    ),
  ),
});
export type OverviewQuery = z.infer<typeof OverviewQuery>;

/** The order counters of a span of days, money in major units of the overview's currency. */
export interface Counters {
  ordersPlaced: number;
  ordersConfirmed: number;
  ordersFailed: number;
  ordersCancelled: number;
  /** Confirmed order totals, less those of confirmed orders cancelled (on the day of the cancellation). */
  revenue: number;
}

export interface Overview {
  currency: string;
  today: Counters & { date: string };
  last30Days: Counters & { from: string; to: string };
  /** Over the 30 days, most frequent first. */
  failedByReason: { reason: string; count: number }[];
  /** One per day of the 30, oldest first, days without orders included. */
  days: (Counters & { date: string })[];
  lowStock: {
    threshold: number;
    items: { sku: string; available: number; reserved: number }[];
    /** More SKUs are below the threshold: GET /admin/inventory?below=<threshold>&cursor=<this> lists them. */
    nextCursor: string | null;
  };
}
