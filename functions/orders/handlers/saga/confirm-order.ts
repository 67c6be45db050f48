import { parse } from '../../../shared/validation';
import { deps as ordersDeps } from '../../deps';
import { countingOrdersStore } from '../../metrics';
import { CheckoutState } from '../../schemas';
import { confirmOrder } from '../../service';

const deps = { ...ordersDeps, orders: countingOrdersStore(ordersDeps.orders) };

/**
 * Checkout step: PENDING -> CONFIRMED, recording the payment that paid for it. An order cancelled
 * meanwhile raises InvalidTransitionError, which sends the saga to its compensations.
 */
export const handler = async (event: unknown) => {
  const state = parse(CheckoutState, event, 'checkout state');
  return confirmOrder(deps, state.orderId, state.payment?.paymentId);
};
