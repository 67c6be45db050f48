import type { EventBridgeEvent } from 'aws-lambda';
import * as z from 'zod/mini';
import { logger } from '../../../shared/logger';
import { parse } from '../../../shared/validation';
import { cartsStore } from '../../store';

const deps = { carts: cartsStore() };

/** What this consumer uses of OrderConfirmed's detail; the rest of the detail is not its concern. */
const OrderConfirmedDetail = z.object({
  orderId: z.string().check(z.minLength(1), z.maxLength(128)),
  userId: z.string().check(z.minLength(1), z.maxLength(128)),
  placedAt: z.optional(z.string().check(z.maxLength(64))),
});

/**
 * Empties the buyer's cart once the order is confirmed. Deleting is idempotent, so a redelivered
 * event does no harm; a malformed one throws, to end in the dead-letter queue rather than vanish.
 */
export const handler = async (event: EventBridgeEvent<'OrderConfirmed', unknown>): Promise<void> => {
  const { orderId, userId, placedAt } = parse(OrderConfirmedDetail, event.detail, 'OrderConfirmed detail');
  // Only the cart as it was when the order was placed: a redelivery must not wipe a newer cart.
  await deps.carts.clear(userId, placedAt);
  logger.info('cart cleared on order confirmation', { orderId, userId });
};
