import { parse } from '../../shared/validation';
import { PriceOrderInput } from '../schemas';
import { priceOrder as price } from '../service';
import { dynamoCatalogStore } from '../store';

const store = dynamoCatalogStore();

/** Checkout step: prices the order's lines from the catalog. Errors propagate by name to the state machine. */
export const handler = async (input: unknown) => price(store, parse(PriceOrderInput, input, 'order lines'));
