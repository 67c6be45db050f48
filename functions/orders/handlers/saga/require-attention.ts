import { parse } from '../../../shared/validation';
import { deps as ordersDeps } from '../../deps';
import { countingOrdersStore } from '../../metrics';
import { CheckoutState } from '../../schemas';
import { ATTENTION_STEPS, requireAttention } from '../../service';

// Counts the orders that need attention: the alarm watches that metric.
const deps = { ...ordersDeps, orders: countingOrdersStore(ordersDeps.orders) };

/**
 * Checkout's way out of a step that kept failing: the order becomes REQUIRES_ATTENTION, naming the steps (their
 * errors, which the state machine caught into the state) and the checkout's failure reason.
 */
export const handler = async (event: unknown) => {
  const state = parse(CheckoutState, event, 'checkout state');
  const steps = (Object.keys(ATTENTION_STEPS) as (keyof typeof ATTENTION_STEPS)[])
    .filter((path) => state[path] !== undefined)
    .map((path) => ATTENTION_STEPS[path]);
  return requireAttention(deps, state.orderId, { reason: state.failure?.reason ?? 'STEP_FAILED', steps });
};
