import { parse } from '../../../shared/validation';
import { OrderCancelledEvent } from '../../schemas';
import { returnOrderStock } from '../../service';
import { inventoryStore } from '../../store';

const deps = { store: inventoryStore() };

/**
 * OrderCancelled consumer (previousStatus CONFIRMED): the order's sold stock goes back on sale.
 * Idempotent, so a redelivered event changes nothing.
 */
export const handler = async (event: unknown) =>
  returnOrderStock(deps, parse(OrderCancelledEvent, event, 'OrderCancelled event').detail);
