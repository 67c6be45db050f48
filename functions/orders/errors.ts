import { ConflictError, DomainError, NotFoundError } from '../shared/errors';

export class OrderNotFoundError extends NotFoundError {
  override readonly code: string = 'ORDER_NOT_FOUND';
  constructor(id: string) {
    super(`Order ${id} not found`);
  }
}

/** A status change the order's current status does not allow; the saga catches it by this name. */
export class InvalidTransitionError extends ConflictError {
  constructor(id: string, to: string, from?: string) {
    super(`Order ${id} cannot become ${to}${from ? ` from ${from}` : ''}`, 'INVALID_TRANSITION');
  }
}

export class CartEmptyError extends DomainError {
  readonly status = 422;
  readonly code: string = 'CART_EMPTY';
  constructor() {
    super('The cart is empty');
  }
}

export class IdempotencyKeyReusedError extends DomainError {
  readonly status = 422;
  readonly code: string = 'IDEMPOTENCY_KEY_REUSED';
  constructor() {
    super('This Idempotency-Key was used with a different request');
  }
}
