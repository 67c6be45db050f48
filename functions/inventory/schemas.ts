import * as z from 'zod/mini';

/** Letters, digits, `-` and `_` (the sample SKUs look like `LAPTOP-001`); never `#`, the key separator. */
export const Sku = z.string().check(z.regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'Expected a SKU such as LAPTOP-001'));
export const OrderId = z
  .string()
  .check(z.regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/, 'Expected an order id (letters, digits, _ . : -)'));

export const MAX_AVAILABLE = 1_000_000;
export const MAX_RESERVE_QUANTITY = 1000;
/** A transaction takes 100 items and each SKU needs two (the stock and the reservation). */
export const MAX_ORDER_SKUS = 50;

const Quantity = z.number().check(z.int(), z.gte(1), z.lte(MAX_RESERVE_QUANTITY));

/** A whole number from a query string, within [min, max]. */
const QueryInt = (min: number, max: number) =>
  z.pipe(
    z.string().check(z.regex(/^\d{1,7}$/, 'Expected a whole number')),
    z.pipe(z.transform(Number), z.number().check(z.gte(min), z.lte(max))),
  );

export const ListStockQuery = z.object({
  /** Only SKUs with fewer than this many available. */
  below: z.optional(QueryInt(1, MAX_AVAILABLE)),
  limit: z.optional(QueryInt(1, 100)),
  cursor: z.optional(z.string().check(z.minLength(1), z.maxLength(2048))),
});
export type ListStockQuery = z.infer<typeof ListStockQuery>;

export const SkuParams = z.object({ sku: Sku });
export type SkuParams = z.infer<typeof SkuParams>;

export const SetStockBody = z.strictObject({
  available: z.number().check(z.int(), z.gte(0), z.lte(MAX_AVAILABLE)),
});
export type SetStockBody = z.infer<typeof SetStockBody>;

export const ReserveBody = z.strictObject({ orderId: OrderId, quantity: Quantity });
export type ReserveBody = z.infer<typeof ReserveBody>;

export const ReleaseBody = z.strictObject({ orderId: OrderId });
export type ReleaseBody = z.infer<typeof ReleaseBody>;

/** What the stock steps use of an order's lines; the other fields of a line are ignored. */
const OrderLines = z
  .array(z.object({ sku: Sku, quantity: Quantity }))
  .check(z.minLength(1), z.maxLength(MAX_ORDER_SKUS));

/** The checkout state, as far as the stock tasks use it. */
export const OrderStockInput = z.object({
  orderId: OrderId,
  correlationId: z.optional(z.string().check(z.minLength(1), z.maxLength(128))),
  lines: OrderLines,
  /** A later run of the checkout: `resume` finds the order's reservation and takes none. */
  mode: z.optional(z.enum(['resume', 'settle'])),
});
export type OrderStockInput = z.infer<typeof OrderStockInput>;

/** Stock as the API shows it. */
export interface Stock {
  sku: string;
  available: number;
  reserved: number;
}

export interface Reservation {
  orderId: string;
  sku: string;
  quantity: number;
  status: 'RESERVED' | 'COMMITTED' | 'RELEASED' | 'RESTOCKED';
  createdAt: string;
  updatedAt: string;
}
