import { publish } from '../shared/events';
import { once } from '../shared/idempotency';
import { dynamoOutbox } from '../shared/outbox-store';
import { idempotencyOptions } from './config';
import type { PaymentsDeps } from './service';
import { SimulatedProcessor, simulatedProvider } from './simulated-provider';
import { ordersReader, paymentsStore } from './store';

/** The card processor this function instance talks to: the simulated one (test mode, keyed by card token). */
export const cardProcessor = new SimulatedProcessor();

/** The payments context's dependencies, created once per function instance. */
export const deps: PaymentsDeps = {
  payments: paymentsStore(),
  orders: ordersReader(),
  provider: simulatedProvider(cardProcessor),
  chargeOnce: once(idempotencyOptions('charge')),
  refundOnce: once(idempotencyOptions('refund')),
  publish,
  outbox: dynamoOutbox('payments'),
};
