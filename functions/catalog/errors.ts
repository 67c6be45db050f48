import { DomainError, NotFoundError } from '../shared/errors';

export class ProductNotFoundError extends NotFoundError {
  override readonly code: string = 'PRODUCT_NOT_FOUND';
  constructor(id: string) {
    super(`Product ${id} not found`);
  }
}

/** A line of an order names a product that does not exist or is no longer sold. */
export class ProductUnavailableError extends DomainError {
  readonly status = 422;
  readonly code: string = 'PRODUCT_UNAVAILABLE';
  constructor(productIds: string[]) {
    super(`Products not available: ${productIds.join(', ')}`, productIds);
  }
}
