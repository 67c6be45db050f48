import type { ScheduledEvent } from 'aws-lambda';
import { logger } from '../../../shared/logger';
import { executionState, deps as ordersDeps } from '../../deps';
import { countingOrdersStore } from '../../metrics';
import { reconcileStalledOrders } from '../../service';

// An order it gives up on requires attention: counted, for the alarm.
const deps = { ...ordersDeps, orders: countingOrdersStore(ordersDeps.orders), executionState };

/**
 * Runs on a schedule: every order PENDING for more than 15 minutes whose execution is not running is resumed
 * (confirmed if it was reserved and charged, else failed and given back), or handed to an admin.
 */
export const handler = async (_event: ScheduledEvent) => {
  const outcome = await reconcileStalledOrders(deps);
  if (outcome.resumed.length > 0 || outcome.attention.length > 0) logger.warn('stalled orders reconciled', outcome);
  return outcome;
};
