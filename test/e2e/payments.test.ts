import { createHash, randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { busEvent, busSettled, eventually, journalEvents } from './fixtures';
import { awsClientConfig, call, type ErrorBody, loginAdmin, registerCustomer, type SignedIn } from './http';
import { eventBusName, functionEnvironment, tableName } from './target';

const aws = awsClientConfig();
const dynamo = DynamoDBDocumentClient.from(new DynamoDBClient(aws));
const bus = new EventBridgeClient(aws);
afterAll(() => {
  dynamo.destroy();
  bus.destroy();
});

// The saga's task functions run here, in the test process, against the target's tables and bus,
// with the environment a deployed function gets. Imported only once it is set: modules read it.
Object.assign(process.env, functionEnvironment(), {
  // A name of its own, as in AWS: the charge must still share its record with the sandbox's POST /payments.
  AWS_LAMBDA_FUNCTION_NAME: 'Shop-e2e-ChargePayment',
});
const [chargePayment, refundPayment, refundOnCancel, { cardProcessor }, { paymentsStore }] = await Promise.all([
  import('../../functions/payments/handlers/saga/charge-payment'),
  import('../../functions/payments/handlers/saga/refund-payment'),
  import('../../functions/payments/handlers/events/refund-on-cancel'),
  import('../../functions/payments/deps'),
  import('../../functions/payments/store'),
]);
const payments = paymentsStore();

/** A Lambda context as the handlers use it: only the remaining time. */
const lambdaContext = { getRemainingTimeInMillis: () => 30_000 } as Context;

const newOrderId = () => `ord_${randomUUID()}`;
const LAPTOP_CENTS = 129_999;

const checkoutState = (orderId: string, userId: string, token = 'tok_visa', correlationId = randomUUID()) => ({
  orderId,
  userId,
  correlationId,
  currency: 'USD',
  totalCents: LAPTOP_CENTS,
  lines: [
    {
      productId: 'prod-laptop-001',
      sku: 'LAPTOP-001',
      name: 'Premium Ultrabook Pro 15',
      quantity: 1,
      unitPriceCents: LAPTOP_CENTS,
      lineTotalCents: LAPTOP_CENTS,
    },
  ],
  paymentMethod: { type: 'card', token },
  reservation: { orderId, status: 'RESERVED' },
});

const chargeRequestsFor = (orderId: string) =>
  cardProcessor.requests.filter((r) => r.kind === 'charge' && r.orderId === orderId);

/** Powertools' record of an order's charge or refund, where the library's key scheme puts it. */
const idempotencyRecord = async (operation: 'charge' | 'refund', orderId: string) => {
  const hash = createHash('md5').update(JSON.stringify({ orderId })).digest('base64');
  const { Item } = await dynamo.send(
    new GetCommand({
      TableName: tableName('platform'),
      Key: { pk: `IDEMPOTENCY#payments.${operation}`, sk: `payments.${operation}#${hash}` },
    }),
  );
  return Item;
};

interface JournalEntry {
  detailType: string;
  source: string;
  detail: Record<string, unknown>;
}

/** The events of one correlation id, as the EventJournal rule keeps them (delivered asynchronously). */
const journal = (correlationId: string) =>
  journalEvents<JournalEntry>(dynamo, { expression: 'correlationId = :c', values: { ':c': correlationId } });

/** Waits for `count` events, then for the bus to finish its deliveries, so that a duplicate would have arrived too. */
const journalSettled = async (correlationId: string, count: number) => {
  await eventually(async () => (await journal(correlationId)).length >= count);
  await busSettled();
  return journal(correlationId);
};

describe('charge-payment (the checkout step)', () => {
  it('charges an order once when 20 calls for it arrive together', async () => {
    const orderId = newOrderId();
    const correlationId = randomUUID();
    const state = checkoutState(orderId, 'usr_e2e', 'tok_visa', correlationId);

    const results = await Promise.all(Array.from({ length: 20 }, () => chargePayment.handler(state, lambdaContext)));

    const [first] = results;
    expect(first).toEqual({
      paymentId: expect.stringMatching(/^pay_/),
      status: 'SUCCEEDED',
      amountCents: LAPTOP_CENTS,
      currency: 'USD',
    });
    expect(results.every((r) => JSON.stringify(r) === JSON.stringify(first))).toBe(true);
    const stored = await payments.listByOrder(orderId);
    expect(stored).toEqual([
      expect.objectContaining({
        paymentId: first?.paymentId,
        status: 'SUCCEEDED',
        userId: 'usr_e2e',
        amountCents: LAPTOP_CENTS,
        providerChargeId: expect.stringMatching(/^ch_/),
      }),
    ]);
    expect(chargeRequestsFor(orderId)).toHaveLength(1);

    const record = await idempotencyRecord('charge', orderId);
    expect(record).toMatchObject({
      status: 'COMPLETED',
      data: { value: { payment: { paymentId: first?.paymentId } } },
    });
    // DynamoDB's TTL removes the record a day later.
    expect(Math.abs(Number(record?.expiresAt) - (Date.now() / 1000 + 86_400))).toBeLessThan(120);

    const events = await journalSettled(correlationId, 1);
    expect(events).toEqual([
      expect.objectContaining({
        source: 'shop.payments',
        detailType: 'PaymentSucceeded',
        detail: {
          version: 1,
          eventId: expect.any(String),
          correlationId,
          paymentId: first?.paymentId,
          orderId,
          userId: 'usr_e2e',
          amountCents: LAPTOP_CENTS,
          currency: 'USD',
        },
      }),
    ]);
  });

  it.each([
    ['tok_chargeDeclined', 'PaymentDeclinedError', 'PAYMENT_DECLINED'],
    ['tok_chargeDeclinedInsufficientFunds', 'InsufficientFundsError', 'INSUFFICIENT_FUNDS'],
    ['tok_timeout', 'PaymentProviderTimeoutError', 'PAYMENT_PROVIDER_TIMEOUT'],
    ['tok_unknownCard', 'PaymentDeclinedError', 'PAYMENT_DECLINED'],
  ])('%s: a FAILED payment, PaymentFailed, and %s thrown for the state machine', async (token, name, code) => {
    const orderId = newOrderId();
    const correlationId = randomUUID();

    const error = await chargePayment
      .handler(checkoutState(orderId, 'usr_e2e', token, correlationId), lambdaContext)
      .catch((e: unknown) => e);

    expect(error).toMatchObject({ name, code });
    expect(await payments.listByOrder(orderId)).toEqual([
      expect.objectContaining({ status: 'FAILED', failureReason: code, amountCents: LAPTOP_CENTS }),
    ]);
    const events = await journalSettled(correlationId, 1);
    expect(events).toEqual([
      expect.objectContaining({
        detailType: 'PaymentFailed',
        detail: {
          version: 1,
          eventId: expect.any(String),
          correlationId,
          orderId,
          userId: 'usr_e2e',
          amountCents: LAPTOP_CENTS,
          currency: 'USD',
          reason: code,
        },
      }),
    ]);
    // A decline is the order's outcome and is remembered; a timeout is not, so a retry asks again.
    const record = await idempotencyRecord('charge', orderId);
    if (token === 'tok_timeout') expect(record).toBeUndefined();
    else expect(record).toMatchObject({ status: 'COMPLETED' });
  });

  it('rejects a state without what it needs, by the name the state machine sees', async () => {
    const { totalCents: _omitted, ...state } = checkoutState(newOrderId(), 'usr_e2e');
    await expect(chargePayment.handler(state, lambdaContext)).rejects.toMatchObject({ name: 'ValidationError' });
  });
});

describe('refund-payment (the compensation)', () => {
  it('refunds the charge once, however often it runs', async () => {
    const orderId = newOrderId();
    const correlationId = randomUUID();
    const state = checkoutState(orderId, 'usr_e2e', 'tok_visa', correlationId);
    const charged = await chargePayment.handler(state, lambdaContext);

    const concurrent = await Promise.all([
      refundPayment.handler(state, lambdaContext),
      refundPayment.handler(state, lambdaContext),
    ]);
    const again = await refundPayment.handler(state, lambdaContext);

    for (const result of concurrent) {
      expect(result).toEqual({
        refunded: true,
        paymentId: charged.paymentId,
        status: 'REFUNDED',
        refundId: expect.stringMatching(/^re_/),
      });
    }
    expect(again).toEqual({ ...concurrent[0], refunded: false });
    const [payment] = await payments.listByOrder(orderId);
    expect(payment).toMatchObject({ status: 'REFUNDED', refundId: concurrent[0]?.refundId });
    expect(
      cardProcessor.requests.filter((r) => r.kind === 'refund' && r.chargeId === payment?.providerChargeId),
    ).toHaveLength(1);
    const events = await journalSettled(correlationId, 2);
    expect(events.map((e) => e.detailType).sort()).toEqual(['PaymentRefunded', 'PaymentSucceeded']);
    expect(events.find((e) => e.detailType === 'PaymentRefunded')?.detail).toEqual({
      version: 1,
      eventId: expect.any(String),
      correlationId,
      paymentId: charged.paymentId,
      orderId,
      userId: 'usr_e2e',
      amountCents: LAPTOP_CENTS,
      currency: 'USD',
    });
  });

  it('does nothing for an order that was never charged, or whose charge was declined', async () => {
    const never = newOrderId();
    expect(await refundPayment.handler(checkoutState(never, 'usr_e2e'), lambdaContext)).toEqual({ refunded: false });
    expect(await payments.listByOrder(never)).toEqual([]);

    const declined = newOrderId();
    const state = checkoutState(declined, 'usr_e2e', 'tok_chargeDeclined');
    await chargePayment.handler(state, lambdaContext).catch(() => undefined);
    expect(await refundPayment.handler(state, lambdaContext)).toEqual({ refunded: false });
    expect(await payments.listByOrder(declined)).toEqual([expect.objectContaining({ status: 'FAILED' })]);
    expect(await idempotencyRecord('refund', never)).toBeUndefined();
  });
});

describe('refund-on-cancel (OrderCancelled of a confirmed order)', () => {
  const cancelled = (orderId: string, userId: string, correlationId: string) =>
    new PutEventsCommand({
      Entries: [
        {
          EventBusName: eventBusName(),
          Source: 'shop.orders',
          DetailType: 'OrderCancelled',
          Detail: JSON.stringify({
            version: 1,
            correlationId,
            orderId,
            userId,
            previousStatus: 'CONFIRMED',
            // No stock was reserved for this order: the restock consumer has nothing to give back.
            lines: [],
          }),
        },
      ],
    });

  it('refunds the payment when the event arrives through the bus, once even if redelivered', async () => {
    const orderId = newOrderId();
    const correlationId = randomUUID();
    const charged = await chargePayment.handler(
      checkoutState(orderId, 'usr_e2e', 'tok_visa', correlationId),
      lambdaContext,
    );

    await bus.send(cancelled(orderId, 'usr_e2e', correlationId));
    await bus.send(cancelled(orderId, 'usr_e2e', correlationId));

    const refunded = await eventually(async () => {
      const payment = await payments.get(charged.paymentId);
      return payment?.status === 'REFUNDED' && payment;
    });
    expect(refunded.refundId).toMatch(/^re_/);
    const events = await journalSettled(correlationId, 4);
    expect(events.map((e) => e.detailType).sort()).toEqual([
      'OrderCancelled',
      'OrderCancelled',
      'PaymentRefunded',
      'PaymentSucceeded',
    ]);
  });

  it('is the same refund when the function is called directly', async () => {
    const orderId = newOrderId();
    const charged = await chargePayment.handler(checkoutState(orderId, 'usr_e2e'), lambdaContext);
    const event = busEvent('OrderCancelled', 'orders', {
      version: 1,
      correlationId: randomUUID(),
      orderId,
      userId: 'usr_e2e',
      previousStatus: 'CONFIRMED',
      lines: [],
    });
    await refundOnCancel.handler(event, lambdaContext);
    await refundOnCancel.handler(event, lambdaContext);
    expect(await payments.get(charged.paymentId)).toMatchObject({ status: 'REFUNDED' });
    expect(
      cardProcessor.requests.filter((r) => r.kind === 'refund' && r.idempotencyKey.includes(orderId)),
    ).toHaveLength(1);
  });
});

describe('POST /api/v1/payments and GET /api/v1/payments/{id}', () => {
  let owner: SignedIn;
  let other: SignedIn;
  let adminToken: string;

  beforeAll(async () => {
    [owner, other, adminToken] = await Promise.all([registerCustomer(), registerCustomer(), loginAdmin()]);
  });

  /** An order as the orders context writes it, put straight into its table. */
  const insertOrder = async (userId: string, status = 'PENDING') => {
    const id = newOrderId();
    const now = new Date().toISOString();
    await dynamo.send(
      new PutCommand({
        TableName: tableName('orders'),
        Item: {
          pk: `ORDER#${id}`,
          sk: 'ORDER',
          id,
          userId,
          status,
          lines: checkoutState(id, userId).lines,
          currency: 'USD',
          totalCents: LAPTOP_CENTS,
          shippingAddress: {
            name: 'Sam Shopper',
            line1: '1 Main Street',
            city: 'Springfield',
            postalCode: '12345',
            country: 'US',
          },
          paymentMethod: { type: 'card', token: 'tok_visa' },
          history: [{ status: 'PENDING', at: now }, ...(status === 'PENDING' ? [] : [{ status, at: now }])],
          createdAt: now,
          updatedAt: now,
        },
      }),
    );
    return id;
  };

  const pay = (token: string, orderId: string, card = 'tok_visa', headers: Record<string, string> = {}) =>
    call<Record<string, unknown> & ErrorBody>('/api/v1/payments', {
      method: 'POST',
      token,
      headers,
      json: { orderId, paymentMethod: { type: 'card', token: card } },
    });

  it('pays a pending order once: 201, then 200 with the same payment', async () => {
    const orderId = await insertOrder(owner.user.id);
    const correlationId = randomUUID();

    const first = await pay(owner.token, orderId, 'tok_visa', { 'X-Correlation-Id': correlationId });
    const second = await pay(owner.token, orderId, 'tok_visa', { 'X-Correlation-Id': correlationId });

    expect(first.status).toBe(201);
    expect(first.body).toEqual({
      id: expect.stringMatching(/^pay_/),
      orderId,
      userId: owner.user.id,
      amount: 1299.99,
      currency: 'USD',
      status: 'SUCCEEDED',
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    expect(second.status).toBe(200);
    expect(second.body).toEqual(first.body);
    expect(await payments.listByOrder(orderId)).toHaveLength(1);
    const events = await journalSettled(correlationId, 1);
    expect(events.map((e) => e.detailType)).toEqual(['PaymentSucceeded']);
  });

  it('charges once when the same order is paid several times at once', async () => {
    const orderId = await insertOrder(owner.user.id);
    const replies = await Promise.all(Array.from({ length: 5 }, () => pay(owner.token, orderId)));
    expect(replies.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 201]);
    expect(new Set(replies.map((r) => r.body.id)).size).toBe(1);
    expect(await payments.listByOrder(orderId)).toHaveLength(1);
  });

  it('shares the charge with the saga: paying while the saga charges yields one payment', async () => {
    const orderId = await insertOrder(owner.user.id);
    const [saga, api] = await Promise.all([
      chargePayment.handler(checkoutState(orderId, owner.user.id), lambdaContext),
      pay(owner.token, orderId),
    ]);
    expect([200, 201]).toContain(api.status);
    expect(api.body.id).toBe(saga.paymentId);
    expect(await payments.listByOrder(orderId)).toHaveLength(1);
    // After the saga, paying is answered from the order's payment.
    expect((await pay(owner.token, orderId)).status).toBe(200);
  });

  it("answers 404 for someone else's order and for an unknown one, and charges nothing", async () => {
    const orderId = await insertOrder(owner.user.id);
    for (const reply of [await pay(other.token, orderId), await pay(owner.token, newOrderId())]) {
      expect(reply.status).toBe(404);
      expect(reply.body.error.code).toBe('ORDER_NOT_FOUND');
    }
    expect(await payments.listByOrder(orderId)).toEqual([]);
  });

  it('lets an admin pay a customer order, as the customer', async () => {
    const orderId = await insertOrder(owner.user.id);
    const reply = await pay(adminToken, orderId);
    expect(reply.status).toBe(201);
    expect(reply.body.userId).toBe(owner.user.id);
  });

  it.each(['FAILED', 'CANCELLED'])('answers 409 ORDER_NOT_PAYABLE for a %s order', async (status) => {
    const orderId = await insertOrder(owner.user.id, status);
    const reply = await pay(owner.token, orderId);
    expect(reply.status).toBe(409);
    expect(reply.body.error.code).toBe('ORDER_NOT_PAYABLE');
    expect(await payments.listByOrder(orderId)).toEqual([]);
  });

  it.each([
    ['tok_chargeDeclined', 'PAYMENT_DECLINED'],
    ['tok_chargeDeclinedInsufficientFunds', 'INSUFFICIENT_FUNDS'],
  ])('answers 422 for %s, and the FAILED payment says why', async (card, code) => {
    const orderId = await insertOrder(owner.user.id);
    const reply = await pay(owner.token, orderId, card);
    expect(reply.status).toBe(422);
    expect(reply.body).toEqual({ error: { code, message: expect.any(String), details: [] } });
    const [failed] = await payments.listByOrder(orderId);
    const shown = await call(`/api/v1/payments/${failed?.paymentId}`, { token: owner.token });
    expect(shown.body).toMatchObject({ status: 'FAILED', failureReason: code, amount: 1299.99 });
  });

  it('answers 400 for a malformed body, before looking at any order', async () => {
    const orderId = await insertOrder(owner.user.id);
    const bodies = [
      {},
      { orderId },
      { orderId, paymentMethod: { type: 'card', token: '4242424242424242' } },
      { orderId, paymentMethod: { type: 'paypal', token: 'tok_visa' } },
      { orderId, paymentMethod: { type: 'card', token: 'tok_visa' }, amount: 0.01 },
    ];
    for (const json of bodies) {
      const reply = await call<ErrorBody>('/api/v1/payments', { method: 'POST', token: owner.token, json });
      expect(reply.status, JSON.stringify(json)).toBe(400);
      expect(reply.body.error.code).toBe('VALIDATION_ERROR');
    }
    expect(await payments.listByOrder(orderId)).toEqual([]);
  });

  it("shows a payment to its owner and to admins; someone else's is 404", async () => {
    const orderId = await insertOrder(owner.user.id);
    const paid = await pay(owner.token, orderId);
    const path = `/api/v1/payments/${paid.body.id}`;

    const mine = await call(path, { token: owner.token });
    expect(mine.status).toBe(200);
    expect(mine.body).toEqual(paid.body);
    expect(mine.headers.get('cache-control')).toBe('no-store');
    expect((await call(path, { token: adminToken })).body).toEqual(paid.body);

    const theirs = await call<ErrorBody>(path, { token: other.token });
    expect(theirs.status).toBe(404);
    expect(theirs.body.error.code).toBe('PAYMENT_NOT_FOUND');
    const unknown = await call<ErrorBody>(`/api/v1/payments/pay_${randomUUID()}`, { token: owner.token });
    expect(unknown.status).toBe(404);
    expect((await call('/api/v1/payments/not-a-payment', { token: owner.token })).status).toBe(400);
    expect((await call(path)).status).toBe(401);
  });
});
