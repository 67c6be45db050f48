import { parse } from '../../../shared/validation';
import { deps as ordersDeps } from '../../deps';
import { countingOrdersStore } from '../../metrics';
import { CheckoutState } from '../../schemas';
import { failOrder } from '../../service';

const deps = { ...ordersDeps, orders: countingOrdersStore(ordersDeps.orders) };

/** Checkout compensation, last: PENDING -> FAILED with the reason the saga recorded in $.failure. */
export const handler = async (event: unknown) => {
  const state = parse(CheckoutState, event, 'checkout state');
  return failOrder(deps, state.orderId, state.failure?.reason ?? 'CHECKOUT_FAILED');
};
