import { parseEvent } from '../../../shared/event-catalog';
import { logger } from '../../../shared/logger';
import { executionState, deps as ordersDeps } from '../../deps';
import { settleCancelledOrder } from '../../service';

const deps = { ...ordersDeps, executionState };

/**
 * OrderCancelled of a PENDING order: if its checkout no longer runs (it ended, or never started), a settling run
 * refunds and releases whatever the order holds. A failure throws, for the rule's retries and dead-letter queue.
 */
export const handler = async (event: unknown) => {
  const { orderId } = parseEvent('OrderCancelled', event).detail;
  const outcome = await settleCancelledOrder(deps, orderId);
  if (outcome.run) logger.info('cancelled order settled by a run of its own', outcome);
  return outcome;
};
