import { parseEvent } from '../../../shared/event-catalog';
import { logger } from '../../../shared/logger';
import { cartsStore } from '../../store';

const deps = { carts: cartsStore() };

/**
 * Empties the buyer's cart once the order is confirmed. Deleting is idempotent, so a redelivered
 * event does no harm; a malformed one throws, to end in the dead-letter queue rather than vanish.
 */
export const handler = async (event: unknown): Promise<void> => {
  const { orderId, userId, placedAt } = parseEvent('OrderConfirmed', event).detail;
  // Only the cart as it was when the order was placed: a redelivery must not wipe a newer cart.
  await deps.carts.clear(userId, placedAt);
  logger.info('cart cleared on order confirmation', { orderId, userId });
};
