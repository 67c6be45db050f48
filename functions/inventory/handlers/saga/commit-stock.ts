import { parse } from '../../../shared/validation';
import { OrderStockInput } from '../../schemas';
import { commitOrderStock } from '../../service';
import { inventoryStore } from '../../store';

const deps = { store: inventoryStore() };

/** Checkout step after confirmation: the order's reserved stock becomes sold. Idempotent. */
export const handler = async (input: unknown) =>
  commitOrderStock(deps, parse(OrderStockInput, input, 'checkout state'));
