import { ConflictError, DomainError, NotFoundError } from '../shared/errors';

// The checkout state machine Retries and Catches on these classes' names: keep them.

/** The card was declined: by the issuer, or because its token is not a valid card. */
export class PaymentDeclinedError extends DomainError {
  readonly status = 422;
  readonly code: string = 'PAYMENT_DECLINED';
  constructor(message = 'The card was declined') {
    super(message);
  }
}

export class InsufficientFundsError extends DomainError {
  readonly status = 422;
  readonly code: string = 'INSUFFICIENT_FUNDS';
  constructor() {
    super('The card has insufficient funds');
  }
}

/**
 * The provider did not answer in time. A 422 like the other payment failures: a 5xx would say the
 * shop is broken, and the contract keeps those for our own faults.
 */
export class PaymentProviderTimeoutError extends DomainError {
  readonly status = 422;
  readonly code: string = 'PAYMENT_PROVIDER_TIMEOUT';
  constructor() {
    super('The payment provider did not answer in time; try again');
  }
}

/** Another call is still charging or refunding this order; retrying later gets its outcome. */
export class PaymentInProgressError extends ConflictError {
  constructor(orderId: string) {
    super(`A payment operation for order ${orderId} is still in progress`, 'PAYMENT_IN_PROGRESS');
  }
}

export class PaymentNotFoundError extends NotFoundError {
  override readonly code: string = 'PAYMENT_NOT_FOUND';
  constructor(id: string) {
    super(`Payment ${id} not found`);
  }
}

/** Unknown, or someone else's (whose existence must not leak). */
export class OrderNotFoundError extends NotFoundError {
  override readonly code: string = 'ORDER_NOT_FOUND';
  constructor(id: string) {
    super(`Order ${id} not found`);
  }
}

export class OrderNotPayableError extends ConflictError {
  constructor(id: string, why: string) {
    super(`Order ${id} cannot be paid: ${why}`, 'ORDER_NOT_PAYABLE');
  }
}

export class PaymentNotRefundableError extends ConflictError {
  constructor(paymentId: string) {
    super(`Payment ${paymentId} is not a successful charge that can be refunded`, 'PAYMENT_NOT_REFUNDABLE');
  }
}
