import type { Context } from 'aws-lambda';
import { parse } from '../../../shared/validation';
import { deps } from '../../deps';
import { ChargeStepInput } from '../../schemas';
import { chargeOrder } from '../../service';

/**
 * Checkout step: charges the order's total once. Declines and timeouts are thrown by name
 * (PaymentDeclinedError, InsufficientFundsError, PaymentProviderTimeoutError) for the state machine.
 */
export const handler = async (event: unknown, context?: Context) => {
  const state = parse(ChargeStepInput, event, 'checkout state');
  const { payment } = await chargeOrder(
    deps,
    {
      orderId: state.orderId,
      userId: state.userId,
      amountCents: state.totalCents,
      currency: state.currency,
      token: state.paymentMethod.token,
      correlationId: state.correlationId,
    },
    context,
  );
  return {
    paymentId: payment.paymentId,
    status: 'SUCCEEDED' as const,
    amountCents: payment.amountCents,
    currency: payment.currency,
  };
};
