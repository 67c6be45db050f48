import { parse } from '../../../shared/validation';
import { OrderStockInput } from '../../schemas';
import { returnOrderStock } from '../../service';
import { inventoryStore } from '../../store';

const deps = { store: inventoryStore() };

/**
 * Checkout compensation: gives back what the order holds. Idempotent, and a no-op for lines that
 * were never reserved (the reservation step may be the one that failed).
 */
export const handler = async (input: unknown) =>
  returnOrderStock(deps, parse(OrderStockInput, input, 'checkout state'));
