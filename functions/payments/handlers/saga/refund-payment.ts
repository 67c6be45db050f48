import type { Context } from 'aws-lambda';
import { parse } from '../../../shared/validation';
import { deps } from '../../deps';
import { RefundStepInput } from '../../schemas';
import { refundOrder } from '../../service';

/** Checkout compensation: refunds the order's successful charge if there is one; safe to repeat. */
export const handler = async (event: unknown, context?: Context) => {
  const state = parse(RefundStepInput, event, 'checkout state');
  const { refunded, payment } = await refundOrder(
    deps,
    { orderId: state.orderId, correlationId: state.correlationId ?? state.orderId },
    context,
  );
  return {
    refunded,
    ...(payment && { paymentId: payment.paymentId, status: payment.status }),
    ...(payment?.refundId && { refundId: payment.refundId }),
  };
};
