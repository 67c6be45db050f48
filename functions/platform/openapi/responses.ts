import * as z from 'zod/mini';
import { ORDER_STATUSES } from '../../orders/schemas';
import { AUDIT_TYPES } from '../../shared/audit-types';

/**
 * What the API answers, for the description only: the services' result types are TypeScript types, and
 * test/unit/platform/openapi-responses.test.ts holds each schema here to its type, field for field.
 */

const Money = z.number().check(z.meta({ description: 'Major units, at most two decimals', examples: [1299.99] }));
const Instant = z
  .string()
  .check(z.meta({ description: 'ISO 8601 time (UTC)', examples: ['2026-01-31T12:00:00.000Z'] }));
const Cursor = z
  .nullable(z.string())
  .check(z.meta({ description: 'Pass back as `cursor` for the next page; null on the last' }));

const page = <T extends z.ZodMiniType>(item: T) => z.object({ items: z.array(item), nextCursor: Cursor });

const Attributes = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]));

export const Product = z.object({
  id: z.string(),
  sku: z.string(),
  name: z.string(),
  description: z.string(),
  price: Money,
  currency: z.string(),
  category: z.string(),
  brand: z.string(),
  images: z.array(z.string()),
  attributes: Attributes,
  createdAt: Instant,
  updatedAt: Instant,
});
export const ProductPage = page(Product);

export const Category = z.object({ id: z.string(), name: z.string(), description: z.string() });
export const CategoryList = z.object({ items: z.array(Category), nextCursor: z.null() });

const Counts = z.record(z.string(), z.number());
export const SearchResults = z.object({
  items: z.array(
    z.object({
      id: z.string(),
      sku: z.string(),
      name: z.string(),
      description: z.string(),
      brand: z.string(),
      category: z.string(),
      price: Money,
      currency: z.string(),
      images: z.array(z.string()),
      updatedAt: Instant,
    }),
  ),
  total: z.number().check(z.meta({ description: 'Matches in all' })),
  facets: z
    .object({ category: Counts, brand: Counts, price: Counts })
    .check(z.meta({ description: 'Counts per value, each facet over the matches of every filter but its own' })),
  nextCursor: Cursor,
});

const Role = z.enum(['customer', 'admin']);
export const User = z.object({
  id: z.string(),
  email: z.string(),
  first_name: z.string(),
  last_name: z.string(),
  role: Role,
  created_at: Instant,
  updated_at: Instant,
});
export const SignedIn = z.object({ user: User, token: z.string().check(z.meta({ description: 'The session JWT' })) });
export const CurrentSession = z.object({ user: z.nullable(User) });
export const TokenClaims = z.object({
  valid: z.literal(true),
  claims: z.object({ sub: z.string(), role: Role, jti: z.string(), iat: z.number(), exp: z.number() }),
});

export const AuditPage = page(
  z.object({
    id: z.string(),
    time: Instant,
    type: z.enum(AUDIT_TYPES),
    actor: z.optional(z.string()),
    ip: z.string(),
    userAgent: z.string(),
    outcome: z.enum(['success', 'failure']),
    detail: z.optional(Attributes),
    requestId: z.optional(z.string()),
    correlationId: z.optional(z.string()),
  }),
);

const Counters = {
  ordersPlaced: z.number(),
  ordersConfirmed: z.number(),
  ordersFailed: z.number(),
  ordersCancelled: z.number(),
  revenue: Money,
};
const Stock = z.object({ sku: z.string(), available: z.number(), reserved: z.number() });
export const Overview = z.object({
  currency: z.string(),
  today: z.object({ ...Counters, date: z.string() }),
  last30Days: z.object({ ...Counters, from: z.string(), to: z.string() }),
  failedByReason: z.array(z.object({ reason: z.string(), count: z.number() })),
  days: z.array(z.object({ ...Counters, date: z.string() })),
  lowStock: z.object({ threshold: z.number(), items: z.array(Stock), nextCursor: Cursor }),
});

export const Cart = z.object({
  userId: z.string(),
  items: z.array(
    z.object({
      productId: z.string(),
      sku: z.string(),
      name: z.string(),
      price: Money,
      quantity: z.number(),
      lineTotal: Money,
      available: z
        .boolean()
        .check(z.meta({ description: 'False once the product is withdrawn: the line is not counted' })),
    }),
  ),
  itemCount: z.number(),
  subtotal: Money,
  total: Money,
  currency: z.string(),
});

export { Stock };
export const StockPage = page(Stock);
export const Reservation = z.object({
  orderId: z.string(),
  sku: z.string(),
  quantity: z.number(),
  status: z.enum(['RESERVED', 'COMMITTED', 'RELEASED', 'RESTOCKED']),
  createdAt: Instant,
  updatedAt: Instant,
});

export const Order = z.object({
  id: z.string(),
  userId: z.string(),
  status: z.enum(ORDER_STATUSES),
  items: z.array(
    z.object({
      productId: z.string(),
      sku: z.string(),
      name: z.string(),
      quantity: z.number(),
      price: Money,
      lineTotal: Money,
    }),
  ),
  currency: z.string(),
  total: Money,
  shippingAddress: z.object({
    name: z.string(),
    line1: z.string(),
    line2: z.optional(z.string()),
    city: z.string(),
    postalCode: z.string(),
    country: z.string(),
  }),
  paymentMethod: z.object({ type: z.literal('card') }),
  history: z.array(
    z.object({
      status: z.enum(ORDER_STATUSES),
      at: Instant,
      reason: z.optional(z.string()),
      by: z.optional(z.string()),
    }),
  ),
  failureReason: z.optional(z.string()),
  paymentId: z.optional(z.string()),
  /** While REQUIRES_ATTENTION: the status it had, why, which steps kept failing, since when. */
  attention: z.optional(
    z.object({ from: z.enum(ORDER_STATUSES), reason: z.string(), steps: z.array(z.string()), at: Instant }),
  ),
  createdAt: Instant,
  updatedAt: Instant,
});
export const OrderPage = page(Order);

export const Payment = z.object({
  id: z.string(),
  orderId: z.string(),
  userId: z.string(),
  amount: Money,
  currency: z.string(),
  status: z.enum(['SUCCEEDED', 'FAILED', 'REFUNDED']),
  failureReason: z.optional(z.string()),
  createdAt: Instant,
  updatedAt: Instant,
});

export const Health = z.object({ status: z.literal('ok'), services: z.record(z.string(), z.literal('ok')) });

/** The description itself, as far as a client relies on it. */
export const Description = z.looseObject({
  openapi: z.string(),
  info: z.looseObject({ title: z.string(), version: z.string() }),
  paths: z.record(z.string(), z.looseObject({})),
});
