import type { Context } from 'aws-lambda';
import { parse } from '../../../shared/validation';
import { deps } from '../../deps';
import { OrderCancelledEvent } from '../../schemas';
import { refundOrder } from '../../service';

/** OrderCancelled (of a confirmed order): refunds its payment; a redelivered event refunds nothing more. */
export const handler = async (event: unknown, context?: Context) => {
  const { id, detail } = parse(OrderCancelledEvent, event, 'OrderCancelled event');
  await refundOrder(deps, { orderId: detail.orderId, correlationId: detail.correlationId ?? id }, context);
};
