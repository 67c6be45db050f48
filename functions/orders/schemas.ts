import * as z from 'zod/mini';

const Text = (max: number) =>
  z
    .string()
    .check(z.trim(), z.minLength(1), z.maxLength(max), z.regex(/^[^\p{Cc}]*$/u, 'Must not contain control characters'));

export const ShippingAddress = z.strictObject({
  name: Text(100),
  line1: Text(200),
  line2: z.optional(z.string().check(z.trim(), z.maxLength(200), z.regex(/^[^\p{Cc}]*$/u))),
  city: Text(100),
  postalCode: z.string().check(z.trim(), z.regex(/^[A-Za-z0-9][A-Za-z0-9 -]{1,11}$/, 'Expected a postal code')),
  country: z
    .string()
    .check(z.trim(), z.toUpperCase(), z.regex(/^[A-Z]{2}$/, 'Expected an ISO 3166 two-letter country code')),
});
export type ShippingAddress = z.infer<typeof ShippingAddress>;

export const PaymentMethod = z.strictObject({
  type: z.literal('card'),
  token: z.string().check(z.regex(/^tok_[A-Za-z0-9_]{1,64}$/, 'Expected a card token such as tok_visa')),
});
export type PaymentMethod = z.infer<typeof PaymentMethod>;

export const CreateOrderBody = z.strictObject({ shippingAddress: ShippingAddress, paymentMethod: PaymentMethod });
export type CreateOrderBody = z.infer<typeof CreateOrderBody>;

export const IdempotencyKey = z
  .string()
  .check(z.regex(/^[A-Za-z0-9._:-]{1,128}$/, 'Expected 1-128 letters, digits or ._:-'));

export const OrderParams = z.object({ id: z.string().check(z.regex(/^ord_[0-9a-f-]{36}$/, 'Expected an order id')) });
export type OrderParams = z.infer<typeof OrderParams>;

const Limit = z.optional(
  z.pipe(
    z.string().check(z.regex(/^\d{1,3}$/, 'Expected a whole number')),
    z.pipe(z.transform(Number), z.number().check(z.gte(1), z.lte(100))),
  ),
);
const Cursor = z.optional(z.string().check(z.minLength(1), z.maxLength(2048)));

/**
 * REQUIRES_ATTENTION: a step of its checkout kept failing (a refund, a release, a commit) or nothing could settle it;
 * its payment and stock may not agree with it until an admin resolves it (POST /orders/{id}/resolve).
 */
export const ORDER_STATUSES = [
  'PENDING',
  'CONFIRMED',
  'SHIPPED',
  'DELIVERED',
  'FAILED',
  'CANCELLED',
  'REQUIRES_ATTENTION',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export const ListOrdersQuery = z.object({
  userId: z.optional(z.string().check(z.minLength(1), z.maxLength(128))),
  limit: Limit,
  cursor: Cursor,
});
export type ListOrdersQuery = z.infer<typeof ListOrdersQuery>;

export const ListAllOrdersQuery = z.object({
  status: z.optional(z.enum(ORDER_STATUSES)),
  limit: Limit,
  cursor: Cursor,
});
export type ListAllOrdersQuery = z.infer<typeof ListAllOrdersQuery>;

/** A step's error as the state machine's Catch records it. */
const CaughtError = z.optional(z.looseObject({ Error: z.optional(z.string()) }));

/** The checkout state machine's state, as the order handlers read it. */
export const CheckoutState = z.looseObject({
  orderId: z.string().check(z.minLength(1)),
  userId: z.string().check(z.minLength(1)),
  correlationId: z.optional(z.string()),
  failure: z.optional(z.looseObject({ reason: z.string() })),
  payment: z.optional(z.looseObject({ paymentId: z.string() })),
  // The steps that kept failing, caught on the way to RequireAttention.
  refundError: CaughtError,
  releaseError: CaughtError,
  failOrderError: CaughtError,
  commitError: CaughtError,
});
export type CheckoutState = z.infer<typeof CheckoutState>;
