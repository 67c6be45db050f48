import * as z from 'zod/mini';

const Id = z.string().check(z.regex(/^[A-Za-z0-9][A-Za-z0-9_:-]{0,127}$/, 'Expected an id'));
const Currency = z.string().check(z.regex(/^[A-Z]{3}$/, 'Expected an ISO 4217 currency code'));
const Cents = z.number().check(z.int(), z.gt(0), z.lte(Number.MAX_SAFE_INTEGER));

/** As the orders context accepts it; any other `tok_...` reaches the provider, which declines it. */
const CardToken = z.string().check(z.regex(/^tok_[A-Za-z0-9_]{1,64}$/, 'Expected a card token such as tok_visa'));

export const PayOrderBody = z.strictObject({
  orderId: Id,
  paymentMethod: z.strictObject({ type: z.literal('card'), token: CardToken }),
});
export type PayOrderBody = z.infer<typeof PayOrderBody>;

export const PaymentParams = z.object({
  id: z.string().check(z.regex(/^pay_[A-Za-z0-9-]{1,64}$/, 'Expected a payment id')),
});
export type PaymentParams = z.infer<typeof PaymentParams>;

/** What the charge step reads of the checkout state (the rest of the state is ignored). */
export const ChargeStepInput = z.object({
  orderId: Id,
  userId: Id,
  correlationId: z.string().check(z.minLength(1), z.maxLength(128)),
  currency: Currency,
  totalCents: Cents,
  // The token is the provider's to judge: a malformed one is declined, not a validation error.
  paymentMethod: z.object({ type: z.literal('card'), token: z.string().check(z.minLength(1), z.maxLength(256)) }),
  /** A later run of the checkout: `resume` finds the order's charge and makes none. */
  mode: z.optional(z.enum(['resume', 'settle'])),
});
export type ChargeStepInput = z.infer<typeof ChargeStepInput>;

/** What the refund compensation reads of the checkout state. */
export const RefundStepInput = z.object({
  orderId: Id,
  correlationId: z.optional(z.string().check(z.minLength(1), z.maxLength(128))),
});
export type RefundStepInput = z.infer<typeof RefundStepInput>;

export type PaymentStatus = 'SUCCEEDED' | 'FAILED' | 'REFUNDED';

/** A payment as the API shows it: money in major units. */
export interface Payment {
  id: string;
  orderId: string;
  userId: string;
  amount: number;
  currency: string;
  status: PaymentStatus;
  failureReason?: string;
  createdAt: string;
  updatedAt: string;
}
