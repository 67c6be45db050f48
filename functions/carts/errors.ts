import { BusinessRuleError, ConflictError, NotFoundError } from '../shared/errors';

export class ItemNotInCartError extends NotFoundError {
  override readonly code: string = 'ITEM_NOT_IN_CART';
  constructor(productId: string) {
    super(`Product ${productId} is not in the cart`);
  }
}

export class QuantityLimitError extends BusinessRuleError {
  constructor(productId: string, limit: number) {
    super('QUANTITY_LIMIT', `At most ${limit} of product ${productId} per cart`);
  }
}

export class CartFullError extends BusinessRuleError {
  constructor(limit: number) {
    super('CART_FULL', `A cart holds at most ${limit} different products`);
  }
}

/** Totals are in one currency; a product priced in another cannot join the cart. */
export class CurrencyMismatchError extends BusinessRuleError {
  constructor(productId: string, cartCurrency: string) {
    super('CURRENCY_MISMATCH', `Product ${productId} is not priced in the cart's currency, ${cartCurrency}`);
  }
}

/** Concurrent changes kept invalidating the read the change was based on; the client may retry. */
export class CartBusyError extends ConflictError {
  constructor() {
    super('The cart changed concurrently, retry', 'CART_BUSY');
  }
}
