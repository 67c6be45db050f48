import { publish } from '../../../shared/events';
import { logger } from '../../../shared/logger';
import { parse } from '../../../shared/validation';
import { OrderStockInput } from '../../schemas';
import { findOrderStock, reserveOrderStock } from '../../service';
import { inventoryStore } from '../../store';

const deps = { store: inventoryStore(), publish, logger };

/**
 * Checkout step: reserves all the order's lines or none. Throws OutOfStockError (caught by name in
 * the state machine) when a line lacks stock; returns {orderId, lines: [{sku, quantity}]}. A resumed checkout
 * (the reconciler's) only finds the reservation, or throws CheckoutStalledError.
 */
export const handler = async (input: unknown) => {
  const state = parse(OrderStockInput, input, 'checkout state');
  return state.mode === 'resume' ? findOrderStock(deps, state) : reserveOrderStock(deps, state);
};
