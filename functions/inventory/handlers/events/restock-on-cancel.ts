import { parseEvent } from '../../../shared/event-catalog';
import { returnOrderStock } from '../../service';
import { inventoryStore } from '../../store';

const deps = { store: inventoryStore() };

/**
 * OrderCancelled consumer (previousStatus CONFIRMED): the order's sold stock goes back on sale.
 * Idempotent, so a redelivered event changes nothing.
 */
export const handler = async (event: unknown) => returnOrderStock(deps, parseEvent('OrderCancelled', event).detail);
