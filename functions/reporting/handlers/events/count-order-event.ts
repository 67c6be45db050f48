import { parseEvent } from '../../../shared/event-catalog';
import { logger } from '../../../shared/logger';
import { countedOrderEvents } from '../../schemas';
import { countOrderEvent } from '../../service';
import { reportingStore } from '../../store';

const deps = { store: reportingStore() };

/**
 * OrderPlaced, OrderConfirmed, OrderFailed and OrderCancelled consumer: the daily counters of the admin overview.
 * A redelivered event is counted once.
 */
export const handler = async (event: unknown): Promise<{ counted: boolean }> => {
  const parsed = parseEvent(countedOrderEvents, event);
  const outcome = await countOrderEvent(deps, parsed);
  if (outcome === 'duplicate') logger.info('duplicate event ignored', { eventId: parsed.id });
  return { counted: outcome === 'counted' };
};
