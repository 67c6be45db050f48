import { randomUUID } from 'node:crypto';
import type { Principal } from '../shared/api';
import { CheckoutStalledError } from '../shared/errors';
import { type DomainEvent, domainEvent } from '../shared/event-catalog';
import type { Deadline, Once } from '../shared/idempotency';
import { fromCents } from '../shared/money';
import { deliver, type Outbox, type OwedEvent } from '../shared/outbox';
import { assertVisibleTo } from '../shared/ownership';
import {
  InsufficientFundsError,
  OrderNotFoundError,
  OrderNotPayableError,
  PaymentDeclinedError,
  PaymentNotFoundError,
  PaymentProviderTimeoutError,
} from './errors';
import type { PaymentProvider } from './provider';
import type { ChargeStepInput, Payment, PayOrderBody } from './schemas';
import { chargePaymentId, type OrderForPayment, type PaymentRecord, type PaymentsStore } from './store';

/**
 * The idempotency port, keyed by order (one operation per port): duplicates, even one that arrives while
 * the first call is still running, get the first call's value.
 */
export type OrderOnce = Once<{ orderId: string }>;

export interface PaymentsDeps {
  payments: PaymentsStore;
  orders: { get(orderId: string): Promise<OrderForPayment | undefined> };
  provider: PaymentProvider;
  chargeOnce: OrderOnce;
  refundOnce: OrderOnce;
  publish: (...events: DomainEvent[]) => Promise<void>;
  /** The payments table's outbox: an event is written there with its payment and removed once published. */
  outbox: Pick<Outbox, 'remove'>;
  now?: () => Date;
}

export interface ChargeOrderInput {
  orderId: string;
  /** The order's owner (not necessarily the caller: an admin may pay for a customer). */
  userId: string;
  amountCents: number;
  currency: string;
  token: string;
  correlationId: string;
}

/** The remembered outcome of an order's charge: a decline is an outcome too, a timeout is not. */
interface ChargeOutcome {
  payment: PaymentRecord;
  failure?: { code: string; message: string };
}

type PaymentFailure = PaymentDeclinedError | InsufficientFundsError | PaymentProviderTimeoutError;

const isPaymentFailure = (error: unknown): error is PaymentFailure =>
  error instanceof PaymentDeclinedError ||
  error instanceof InsufficientFundsError ||
  error instanceof PaymentProviderTimeoutError;

/** Rebuilds the error of a remembered decline, so a duplicate fails exactly like the first call. */
const failureError = (failure: { code: string; message: string }): PaymentFailure => {
  if (failure.code === 'INSUFFICIENT_FUNDS') return new InsufficientFundsError();
  if (failure.code === 'PAYMENT_PROVIDER_TIMEOUT') return new PaymentProviderTimeoutError();
  return new PaymentDeclinedError(failure.message);
};

/** Same key for every attempt at an order's charge (or refund): the provider never does it twice. */
export const providerKey = (orderId: string, operation: 'charge' | 'refund') => `order:${orderId}:${operation}`;

const now = (deps: Pick<PaymentsDeps, 'now'>) => (deps.now ?? (() => new Date()))();

/**
 * Writes a payment with the event it owes the bus (in the same transaction), then publishes the event; a payment
 * written before (a retried step) owes nothing more: its event was written with it.
 */
const record = async (deps: PaymentsDeps, payment: PaymentRecord, event: OwedEvent) => {
  const { payment: stored, created } = await deps.payments.create(payment, [event]);
  if (created) await deliver(deps, [event]);
  return stored;
};

export const toPayment = (record: PaymentRecord): Payment => ({
  id: record.paymentId,
  orderId: record.orderId,
  userId: record.userId,
  amount: fromCents(record.amountCents),
  currency: record.currency,
  status: record.status,
  ...(record.failureReason !== undefined && { failureReason: record.failureReason }),
  createdAt: record.createdAt,
  updatedAt: record.updatedAt,
});

const attemptCharge = async (deps: PaymentsDeps, input: ChargeOrderInput): Promise<ChargeOutcome> => {
  const { orderId, userId, amountCents, currency, correlationId } = input;
  let chargeId: string;
  try {
    ({ chargeId } = await deps.provider.charge({
      orderId,
      amountCents,
      currency,
      token: input.token,
      idempotencyKey: providerKey(orderId, 'charge'),
    }));
  } catch (error) {
    if (!isPaymentFailure(error)) throw error;
    const at = now(deps);
    const payment = await record(
      deps,
      {
        paymentId: `pay_${randomUUID()}`,
        orderId,
        userId,
        amountCents,
        currency,
        status: 'FAILED',
        failureReason: error.code,
        createdAt: at.toISOString(),
        updatedAt: at.toISOString(),
      },
      domainEvent(
        'PaymentFailed',
        correlationId,
        { orderId, userId, amountCents, currency, reason: error.code },
        at,
      ) as OwedEvent,
    );
    // A timeout says nothing about the charge: it is not remembered, so a retry asks the provider
    // again, with the same key, and learns the truth without charging twice.
    if (error instanceof PaymentProviderTimeoutError) throw error;
    return { payment, failure: { code: error.code, message: error.message } };
  }
  const at = now(deps);
  const paymentId = chargePaymentId(orderId);
  const payment = await record(
    deps,
    {
      paymentId,
      orderId,
      userId,
      amountCents,
      currency,
      status: 'SUCCEEDED',
      providerChargeId: chargeId,
      createdAt: at.toISOString(),
      updatedAt: at.toISOString(),
    },
    domainEvent(
      'PaymentSucceeded',
      correlationId,
      { paymentId, orderId, userId, amountCents, currency },
      at,
    ) as OwedEvent,
  );
  return { payment };
};

/**
 * Charges an order once, whoever asks (the checkout saga, POST /payments) and however often:
 * duplicates get the first outcome. A decline is recorded as a FAILED payment and thrown.
 */
export const chargeOrder = async (
  deps: PaymentsDeps,
  input: ChargeOrderInput,
  deadline?: Deadline,
): Promise<{ payment: PaymentRecord; replayed: boolean }> => {
  const { value, replayed } = await deps.chargeOnce(
    { orderId: input.orderId },
    () => attemptCharge(deps, input),
    deadline,
  );
  if (value.failure) throw failureError(value.failure);
  return { payment: value.payment, replayed };
};

/**
 * The checkout's charge step: the order's total, charged once, as the state machine keeps it at `$.payment`.
 * A decline or a timeout is thrown by name (PaymentDeclinedError, InsufficientFundsError,
 * PaymentProviderTimeoutError) for the state machine's Catch and Retry.
 */
export const chargeStep = async (deps: PaymentsDeps, state: ChargeStepInput, deadline?: Deadline) => {
  if (state.mode === 'resume') return foundCharge(deps, state.orderId);
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
    deadline,
  );
  return {
    paymentId: payment.paymentId,
    status: 'SUCCEEDED' as const,
    amountCents: payment.amountCents,
    currency: payment.currency,
  };
};

/**
 * The charge step of a checkout resumed later (mode `resume`): the order's successful charge, or CheckoutStalledError.
 * Nothing is charged this late.
 */
const foundCharge = async (deps: PaymentsDeps, orderId: string) => {
  const payment = await deps.payments.getCharge(orderId);
  if (payment?.status !== 'SUCCEEDED') throw new CheckoutStalledError(orderId, 'ChargePayment');
  return {
    paymentId: payment.paymentId,
    status: 'SUCCEEDED' as const,
    amountCents: payment.amountCents,
    currency: payment.currency,
  };
};

const attemptRefund = async (
  deps: PaymentsDeps,
  payment: PaymentRecord,
  correlationId: string,
): Promise<PaymentRecord> => {
  if (!payment.providerChargeId) throw new Error(`Payment ${payment.paymentId} has no provider charge`);
  const { refundId } = await deps.provider.refund({
    chargeId: payment.providerChargeId,
    amountCents: payment.amountCents,
    idempotencyKey: providerKey(payment.orderId, 'refund'),
  });
  const at = now(deps);
  const event = domainEvent(
    'PaymentRefunded',
    correlationId,
    {
      paymentId: payment.paymentId,
      orderId: payment.orderId,
      userId: payment.userId,
      amountCents: payment.amountCents,
      currency: payment.currency,
    },
    at,
  ) as OwedEvent;
  const { payment: refunded, changed } = await deps.payments.markRefunded(
    payment.paymentId,
    refundId,
    at.toISOString(),
    [event],
  );
  if (changed) await deliver(deps, [event]);
  return refunded;
};

/**
 * Refunds the order's successful charge, once; without one (never charged, declined, refunded
 * already) it does nothing. A no-op is not remembered: a charge that lands later can still be refunded.
 */
export const refundOrder = async (
  deps: PaymentsDeps,
  input: { orderId: string; correlationId: string },
  deadline?: Deadline,
): Promise<{ refunded: boolean; payment?: PaymentRecord }> => {
  const charged = await deps.payments.getCharge(input.orderId);
  if (charged?.status !== 'SUCCEEDED') return { refunded: false, ...(charged && { payment: charged }) };
  const { value } = await deps.refundOnce(
    { orderId: input.orderId },
    () => attemptRefund(deps, charged, input.correlationId),
    deadline,
  );
  return { refunded: true, payment: value };
};

/**
 * POST /payments: pays the caller's order that awaits payment, through the same once-per-order
 * charge as the saga, so an order is never charged twice. `created` is false when the order had
 * been paid already (by the saga or an earlier call).
 */
export const payOrder = async (
  deps: PaymentsDeps,
  principal: Principal,
  body: PayOrderBody,
  correlationId: string,
  deadline?: Deadline,
): Promise<{ payment: Payment; created: boolean }> => {
  const order = await deps.orders.get(body.orderId);
  if (!order) throw new OrderNotFoundError(body.orderId);
  assertVisibleTo(principal, order.userId, () => new OrderNotFoundError(body.orderId));
  if (order.status === 'FAILED' || order.status === 'CANCELLED') {
    throw new OrderNotPayableError(order.id, `it is ${order.status}`);
  }
  const charged = await deps.payments.getCharge(order.id);
  if (charged?.status === 'SUCCEEDED') return { payment: toPayment(charged), created: false };
  if (charged) throw new OrderNotPayableError(order.id, 'its payment was refunded');
  if (order.status !== 'PENDING') throw new OrderNotPayableError(order.id, `it is ${order.status}`);
  const { payment, replayed } = await chargeOrder(
    deps,
    {
      orderId: order.id,
      userId: order.userId,
      amountCents: order.totalCents,
      currency: order.currency,
      token: body.paymentMethod.token,
      correlationId,
    },
    deadline,
  );
  return { payment: toPayment(payment), created: !replayed };
};

/** GET /payments/{id}: the owner's or, for an admin, anyone's; someone else's does not exist. */
export const getPayment = async (
  payments: Pick<PaymentsStore, 'get'>,
  principal: Principal,
  id: string,
): Promise<Payment> => {
  const record = await payments.get(id);
  if (!record) throw new PaymentNotFoundError(id);
  assertVisibleTo(principal, record.userId, () => new PaymentNotFoundError(id));
  return toPayment(record);
};
