import type { Context } from 'aws-lambda';
import { parseEvent } from '../../../shared/event-catalog';
import { deps } from '../../deps';
import { refundOrder } from '../../service';

/** OrderCancelled (of a confirmed order): refunds its payment; a redelivered event refunds nothing more. */
export const handler = async (event: unknown, context?: Context) => {
  const { orderId, correlationId } = parseEvent('OrderCancelled', event).detail;
  await refundOrder(deps, { orderId, correlationId }, context);
};
