import * as z from 'zod/mini';

const Cents = z.int().check(z.minimum(0));
const Currency = z.string().check(z.regex(/^[A-Z]{3}$/));

/**
 * An order event as delivered to the counting consumer: the envelope's id (the exactly-once key) and time (the
 * day it counts for), and the few detail fields the counters use. Everything else in the detail is ignored.
 */
const envelope = <T extends string, D extends z.ZodMiniType>(detailType: T, detail: D) =>
  z.object({
    id: z.string().check(z.minLength(1), z.maxLength(128)),
    time: z.iso.datetime({ offset: true }),
    source: z.literal('shop.orders'),
    'detail-type': z.literal(detailType),
    detail,
  });

export const CountedOrderEvent = z.discriminatedUnion('detail-type', [
  envelope('OrderPlaced', z.object({})),
  envelope('OrderConfirmed', z.object({ totalCents: Cents, currency: Currency })),
  envelope('OrderFailed', z.object({ reason: z.string().check(z.maxLength(200)) })),
  envelope(
    'OrderCancelled',
    z.object({
      previousStatus: z.enum(['PENDING', 'CONFIRMED']),
      totalCents: z.optional(Cents),
      currency: z.optional(Currency),
    }),
  ),
]);
export type CountedOrderEvent = z.infer<typeof CountedOrderEvent>;

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
