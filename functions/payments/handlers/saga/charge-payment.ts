import type { Context } from 'aws-lambda';
import { parse } from '../../../shared/validation';
import { deps } from '../../deps';
import { ChargeStepInput } from '../../schemas';
import { chargeStep } from '../../service';

/**
 * Checkout step: charges the order's total once. Declines and timeouts are thrown by name
 * (PaymentDeclinedError, InsufficientFundsError, PaymentProviderTimeoutError) for the state machine.
 */
export const handler = async (event: unknown, context?: Context) =>
  chargeStep(deps, parse(ChargeStepInput, event, 'checkout state'), context);
