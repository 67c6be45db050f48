/**
 * The payment-provider port: what the payments context needs from a card processor. Both calls
 * carry an idempotency key, so repeating a call (after a timeout, a crash) never charges or
 * refunds twice: the provider answers a repeat with the first call's charge or refund.
 */
export interface ChargeRequest {
  orderId: string;
  amountCents: number;
  currency: string;
  /** The card token the storefront got from the provider's card form; never a card number. */
  token: string;
  idempotencyKey: string;
}

export interface RefundRequest {
  chargeId: string;
  amountCents: number;
  idempotencyKey: string;
}

export interface PaymentProvider {
  /** Throws PaymentDeclinedError, InsufficientFundsError or PaymentProviderTimeoutError. */
  charge(request: ChargeRequest): Promise<{ chargeId: string }>;
  /** Throws PaymentProviderTimeoutError. */
  refund(request: RefundRequest): Promise<{ refundId: string }>;
}
