import { parse } from '../../shared/validation';
import { deps } from '../deps';
import { CheckoutState } from '../schemas';
import { confirmOrder } from '../service';

/** Checkout step: PENDING -> CONFIRMED; InvalidTransitionError (cancelled meanwhile) sends the saga to compensation. */
export const handler = async (event: unknown) =>
  confirmOrder(deps, parse(CheckoutState, event, 'checkout state').orderId);
