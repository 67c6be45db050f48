import { publish } from '../../../shared/events';
import { logger } from '../../../shared/logger';
import { parse } from '../../../shared/validation';
import { OrderStockInput } from '../../schemas';
import { reserveOrderStock } from '../../service';
import { inventoryStore } from '../../store';

const deps = { store: inventoryStore(), publish, logger };

/**
 * Checkout step: reserves all the order's lines or none. Throws OutOfStockError (caught by name in
 * the state machine) when a line lacks stock; returns {orderId, lines: [{sku, quantity}]}.
 */
export const handler = async (input: unknown) =>
  reserveOrderStock(deps, parse(OrderStockInput, input, 'checkout state'));
