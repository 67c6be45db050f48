import { describe, expect, it } from 'vitest';
import {
  InsufficientFundsError,
  OrderNotFoundError,
  OrderNotPayableError,
  PaymentDeclinedError,
  PaymentNotFoundError,
  PaymentProviderTimeoutError,
} from '../../../functions/payments/errors';
import {
  type ChargeOrderInput,
  chargeOrder,
  getPayment,
  payOrder,
  refundOrder,
} from '../../../functions/payments/service';
import type { Principal } from '../../../functions/shared/api';
import { order, type TestDeps, testDeps } from './fakes';

const charge = (overrides: Partial<ChargeOrderInput> = {}): ChargeOrderInput => ({
  orderId: 'ord_1',
  userId: 'usr_owner',
  amountCents: 129_999,
  currency: 'USD',
  token: 'tok_visa',
  correlationId: 'corr-1',
  ...overrides,
});

const chargeRequests = (deps: TestDeps, orderId = 'ord_1') =>
  deps.processor.requests.filter((r) => r.kind === 'charge' && r.orderId === orderId);
const refundRequests = (deps: TestDeps) => deps.processor.requests.filter((r) => r.kind === 'refund');
const eventTypes = (deps: TestDeps) => deps.events.map((e) => e.detailType);

const owner: Principal = { userId: 'usr_owner', role: 'customer' };
const stranger: Principal = { userId: 'usr_other', role: 'customer' };
const admin: Principal = { userId: 'usr_admin', role: 'admin' };
const visa = (orderId = 'ord_1') => ({ orderId, paymentMethod: { type: 'card' as const, token: 'tok_visa' } });

describe('chargeOrder', () => {
  it('charges the amount, records a SUCCEEDED payment and publishes PaymentSucceeded', async () => {
    const deps = testDeps();
    const { payment, replayed } = await chargeOrder(deps, charge());
    expect(replayed).toBe(false);
    expect(payment).toMatchObject({
      orderId: 'ord_1',
      userId: 'usr_owner',
      amountCents: 129_999,
      currency: 'USD',
      status: 'SUCCEEDED',
      providerChargeId: expect.stringMatching(/^ch_/),
      createdAt: '2026-03-01T12:00:00.000Z',
    });
    expect(deps.store.all()).toEqual([payment]);
    expect(chargeRequests(deps)).toEqual([expect.objectContaining({ amountCents: 129_999 })]);
    expect(deps.events).toEqual([
      {
        context: 'payments',
        detailType: 'PaymentSucceeded',
        version: 1,
        correlationId: 'corr-1',
        data: {
          paymentId: payment.paymentId,
          orderId: 'ord_1',
          userId: 'usr_owner',
          amountCents: 129_999,
          currency: 'USD',
        },
        id: expect.any(String),
        at: '2026-03-01T12:00:00.000Z',
      },
    ]);
    // Written with the payment, removed once published.
    expect(deps.store.owed.events.size).toBe(0);
  });

  it('leaves a payment event it could not publish in the outbox, and owes nothing more when retried', async () => {
    const deps = testDeps();
    deps.publish = async () => {
      throw new Error('bus down');
    };
    await chargeOrder(deps, charge());
    await expect(chargeOrder(deps, charge())).resolves.toMatchObject({ replayed: true });
    expect([...deps.store.owed.events.values()].map((event) => event.detailType)).toEqual(['PaymentSucceeded']);
  });

  it('charges an order once however often it is asked: a duplicate gets the first payment', async () => {
    const deps = testDeps();
    const first = await chargeOrder(deps, charge());
    const second = await chargeOrder(deps, charge({ token: 'tok_chargeDeclined', correlationId: 'corr-2' }));
    expect(second).toEqual({ payment: first.payment, replayed: true });
    expect(chargeRequests(deps)).toHaveLength(1);
    expect(deps.store.all()).toHaveLength(1);
    expect(eventTypes(deps)).toEqual(['PaymentSucceeded']);
  });

  it('finds the payment it wrote when retried after dying before its outcome was recorded', async () => {
    const deps = testDeps();
    const first = await chargeOrder(deps, charge());
    // The process died between the payment's write and the idempotency record's completion: the lock expired.
    deps.chargeRecords.records.clear();
    const retried = await chargeOrder(deps, charge());
    expect(retried.payment).toEqual(first.payment);
    expect(deps.store.all()).toEqual([first.payment]);
    // Asked again with the same key: a processor that remembers it charges nothing more.
    expect(new Set(chargeRequests(deps).map((r) => r.idempotencyKey)).size).toBe(1);
  });

  it('charges once when duplicates arrive together: they wait for the first outcome', async () => {
    const deps = testDeps();
    const results = await Promise.all(Array.from({ length: 10 }, () => chargeOrder(deps, charge())));
    expect(chargeRequests(deps)).toHaveLength(1);
    expect(new Set(results.map((r) => r.payment.paymentId)).size).toBe(1);
    expect(results.filter((r) => !r.replayed)).toHaveLength(1);
    expect(eventTypes(deps)).toEqual(['PaymentSucceeded']);
  });

  it('keeps orders apart', async () => {
    const deps = testDeps();
    const a = await chargeOrder(deps, charge({ orderId: 'ord_a' }));
    const b = await chargeOrder(deps, charge({ orderId: 'ord_b' }));
    expect(a.payment.paymentId).not.toBe(b.payment.paymentId);
    expect(deps.processor.requests).toHaveLength(2);
  });

  it.each([
    ['tok_chargeDeclined', PaymentDeclinedError, 'PAYMENT_DECLINED'],
    ['tok_chargeDeclinedInsufficientFunds', InsufficientFundsError, 'INSUFFICIENT_FUNDS'],
    ['tok_unknown', PaymentDeclinedError, 'PAYMENT_DECLINED'],
  ] as const)(
    'records %s as a FAILED payment, publishes PaymentFailed once, and throws',
    async (token, errorClass, code) => {
      const deps = testDeps();
      await expect(chargeOrder(deps, charge({ token }))).rejects.toBeInstanceOf(errorClass);
      const [failed] = deps.store.all();
      expect(failed).toMatchObject({ status: 'FAILED', failureReason: code, amountCents: 129_999 });
      expect(failed?.providerChargeId).toBeUndefined();
      expect(deps.events).toEqual([
        expect.objectContaining({
          detailType: 'PaymentFailed',
          data: { orderId: 'ord_1', userId: 'usr_owner', amountCents: 129_999, currency: 'USD', reason: code },
        }),
      ]);
      // The decline is the order's outcome: a repeat fails the same way without asking the provider.
      const again = await chargeOrder(deps, charge({ token: 'tok_visa' })).catch((e: unknown) => e);
      expect(again).toBeInstanceOf(errorClass);
      expect(again).toMatchObject({ name: errorClass.name, code });
      expect(chargeRequests(deps)).toHaveLength(1);
      expect(deps.store.all()).toHaveLength(1);
      expect(eventTypes(deps)).toEqual(['PaymentFailed']);
    },
  );

  it('records a timeout as a FAILED payment but lets a retry ask the provider again, with the same key', async () => {
    const deps = testDeps({ timeoutMs: 30 });
    await expect(chargeOrder(deps, charge({ token: 'tok_timeout' }))).rejects.toBeInstanceOf(
      PaymentProviderTimeoutError,
    );
    expect(deps.store.all()).toEqual([
      expect.objectContaining({ status: 'FAILED', failureReason: 'PAYMENT_PROVIDER_TIMEOUT' }),
    ]);
    expect(eventTypes(deps)).toEqual(['PaymentFailed']);
    // The processor may have charged: the retry finds out (here it succeeds) instead of guessing.
    const { payment } = await chargeOrder(deps, charge());
    expect(payment.status).toBe('SUCCEEDED');
    const requests = chargeRequests(deps);
    expect(requests).toHaveLength(2);
    expect(requests[0]?.idempotencyKey).toBe(requests[1]?.idempotencyKey);
  });
});

describe('refundOrder', () => {
  it('refunds the successful charge once and publishes PaymentRefunded once', async () => {
    const deps = testDeps();
    const { payment } = await chargeOrder(deps, charge());
    const first = await refundOrder(deps, { orderId: 'ord_1', correlationId: 'corr-r' });
    expect(first.refunded).toBe(true);
    expect(first.payment).toMatchObject({
      paymentId: payment.paymentId,
      status: 'REFUNDED',
      refundId: expect.stringMatching(/^re_/),
    });
    const second = await refundOrder(deps, { orderId: 'ord_1', correlationId: 'corr-r' });
    expect(second).toEqual({ refunded: false, payment: first.payment });
    expect(refundRequests(deps)).toEqual([
      expect.objectContaining({ chargeId: payment.providerChargeId, amountCents: 129_999 }),
    ]);
    expect(deps.events.filter((e) => e.detailType === 'PaymentRefunded')).toEqual([
      expect.objectContaining({
        correlationId: 'corr-r',
        data: {
          paymentId: payment.paymentId,
          orderId: 'ord_1',
          userId: 'usr_owner',
          amountCents: 129_999,
          currency: 'USD',
        },
      }),
    ]);
  });

  it('refunds once when the compensation and the cancel consumer run together', async () => {
    const deps = testDeps();
    await chargeOrder(deps, charge());
    const results = await Promise.all(
      Array.from({ length: 5 }, () => refundOrder(deps, { orderId: 'ord_1', correlationId: 'c' })),
    );
    expect(refundRequests(deps)).toHaveLength(1);
    expect(results.every((r) => r.payment?.status === 'REFUNDED')).toBe(true);
    expect(deps.events.filter((e) => e.detailType === 'PaymentRefunded')).toHaveLength(1);
  });

  it('does nothing for an order without a successful charge', async () => {
    const deps = testDeps();
    expect(await refundOrder(deps, { orderId: 'ord_none', correlationId: 'c' })).toEqual({ refunded: false });
    await chargeOrder(deps, charge({ token: 'tok_chargeDeclined' })).catch(() => undefined);
    expect(await refundOrder(deps, { orderId: 'ord_1', correlationId: 'c' })).toEqual({ refunded: false });
    expect(refundRequests(deps)).toHaveLength(0);
    expect(eventTypes(deps)).toEqual(['PaymentFailed']);
  });

  it('remembers no no-op: a charge that lands afterwards is still refunded', async () => {
    const deps = testDeps();
    await refundOrder(deps, { orderId: 'ord_1', correlationId: 'c' });
    await chargeOrder(deps, charge());
    expect((await refundOrder(deps, { orderId: 'ord_1', correlationId: 'c' })).refunded).toBe(true);
  });
});

describe('payOrder', () => {
  it('pays a pending order of the caller: created, in major units', async () => {
    const deps = testDeps({ orders: [order()] });
    const { payment, created } = await payOrder(deps, owner, visa(), 'corr');
    expect(created).toBe(true);
    expect(payment).toEqual({
      id: expect.stringMatching(/^pay_/),
      orderId: 'ord_1',
      userId: 'usr_owner',
      amount: 1299.99,
      currency: 'USD',
      status: 'SUCCEEDED',
      createdAt: '2026-03-01T12:00:00.000Z',
      updatedAt: '2026-03-01T12:00:00.000Z',
    });
  });

  it('answers a second payment with the first, charging once', async () => {
    const deps = testDeps({ orders: [order()] });
    const first = await payOrder(deps, owner, visa(), 'corr');
    const second = await payOrder(deps, owner, visa(), 'corr');
    expect(second).toEqual({ payment: first.payment, created: false });
    expect(chargeRequests(deps)).toHaveLength(1);
  });

  it('shares the charge with the saga: an order the saga charged is not charged again', async () => {
    const deps = testDeps({ orders: [order()] });
    const saga = await chargeOrder(deps, charge());
    const paid = await payOrder(deps, owner, visa(), 'corr');
    expect(paid).toMatchObject({ created: false, payment: { id: saga.payment.paymentId } });
    expect(chargeRequests(deps)).toHaveLength(1);
  });

  it('hides unknown orders and those of others', async () => {
    const deps = testDeps({ orders: [order()] });
    await expect(payOrder(deps, owner, visa('ord_missing'), 'c')).rejects.toBeInstanceOf(OrderNotFoundError);
    const error = await payOrder(deps, stranger, visa(), 'c').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OrderNotFoundError);
    expect(error).toMatchObject({ status: 404, code: 'ORDER_NOT_FOUND' });
    expect(deps.processor.requests).toHaveLength(0);
  });

  it("lets an admin pay a customer's order, charged to the customer", async () => {
    const deps = testDeps({ orders: [order()] });
    const { payment } = await payOrder(deps, admin, visa(), 'c');
    expect(payment.userId).toBe('usr_owner');
  });

  it.each(['FAILED', 'CANCELLED', 'CONFIRMED'])('refuses a %s order without a payment', async (status) => {
    const deps = testDeps({ orders: [order({ status })] });
    const error = await payOrder(deps, owner, visa(), 'c').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OrderNotPayableError);
    expect(error).toMatchObject({ status: 409, code: 'ORDER_NOT_PAYABLE' });
    expect(deps.processor.requests).toHaveLength(0);
  });

  it('refuses a cancelled order even if it was paid, and an order whose payment was refunded', async () => {
    const deps = testDeps({ orders: [order({ status: 'CANCELLED' })] });
    await chargeOrder(deps, charge());
    await expect(payOrder(deps, owner, visa(), 'c')).rejects.toBeInstanceOf(OrderNotPayableError);
    deps.orderBook.set('ord_1', order());
    await refundOrder(deps, { orderId: 'ord_1', correlationId: 'c' });
    await expect(payOrder(deps, owner, visa(), 'c')).rejects.toBeInstanceOf(OrderNotPayableError);
    expect(chargeRequests(deps)).toHaveLength(1);
  });

  it('fails with the decline', async () => {
    const deps = testDeps({ orders: [order()] });
    const body = {
      orderId: 'ord_1',
      paymentMethod: { type: 'card' as const, token: 'tok_chargeDeclinedInsufficientFunds' },
    };
    await expect(payOrder(deps, owner, body, 'c')).rejects.toMatchObject({ status: 422, code: 'INSUFFICIENT_FUNDS' });
  });
});

describe('getPayment', () => {
  it('shows a payment to its owner and to admins, and to nobody else', async () => {
    const deps = testDeps();
    const { payment } = await chargeOrder(deps, charge());
    expect(await getPayment(deps.store, owner, payment.paymentId)).toMatchObject({
      id: payment.paymentId,
      amount: 1299.99,
    });
    expect(await getPayment(deps.store, admin, payment.paymentId)).toMatchObject({ id: payment.paymentId });
    await expect(getPayment(deps.store, stranger, payment.paymentId)).rejects.toBeInstanceOf(PaymentNotFoundError);
    await expect(getPayment(deps.store, owner, 'pay_missing')).rejects.toMatchObject({
      status: 404,
      code: 'PAYMENT_NOT_FOUND',
    });
  });

  it('shows why a payment failed', async () => {
    const deps = testDeps();
    await chargeOrder(deps, charge({ token: 'tok_chargeDeclined' })).catch(() => undefined);
    const [failed] = deps.store.all();
    expect(await getPayment(deps.store, owner, failed?.paymentId ?? '')).toMatchObject({
      status: 'FAILED',
      failureReason: 'PAYMENT_DECLINED',
    });
  });
});
