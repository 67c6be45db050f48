import { ConflictError, DomainError, NotFoundError } from '../shared/errors';

export class StockNotFoundError extends NotFoundError {
  override readonly code: string = 'STOCK_NOT_FOUND';
  constructor(sku: string) {
    super(`No stock record for SKU ${sku}`);
  }
}

export class ReservationNotFoundError extends NotFoundError {
  override readonly code: string = 'RESERVATION_NOT_FOUND';
  constructor(orderId: string, skus: string[]) {
    super(`No reservation of order ${orderId} for ${skus.join(', ')}`);
  }
}

export interface Shortage {
  sku: string;
  requested: number;
  /** What was on hand when the reservation was refused (0 for a SKU without stock record). */
  available: number;
}

/** The checkout saga catches this by name (`OutOfStockError`): keep the class name. */
export class OutOfStockError extends DomainError {
  readonly status = 409;
  readonly code: string = 'OUT_OF_STOCK';
  constructor(shortages: Shortage[]) {
    super(`Not enough stock for ${shortages.map((s) => s.sku).join(', ')}`, shortages);
  }
}

/** The order holds a reservation already, and it is not the one asked for. */
export class ReservationConflictError extends ConflictError {
  constructor(message: string) {
    super(message, 'RESERVATION_CONFLICT');
  }
}

export class InvalidReservationTransitionError extends ConflictError {
  constructor(message: string) {
    super(message, 'INVALID_TRANSITION');
  }
}

/** The stock kept changing under a write (or DynamoDB kept refusing it); retrying later succeeds. */
export class StockContentionError extends DomainError {
  readonly status = 409;
  readonly code: string = 'STOCK_CONTENTION';
  constructor() {
    super('The stock is being changed by other requests; retry shortly');
  }
}
