import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeExecutionCommand, ExecutionDoesNotExist, SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, expect, it } from 'vitest';
import { chargePaymentId } from '../../functions/payments/store';
import {
  address,
  addToCart,
  admin,
  busSettled,
  eventually,
  journalEvents,
  type OrderView,
  placeOrder,
  setStock,
  settled,
  sleep,
  stockOf,
} from './fixtures';
import { awsClientConfig, call, callEndpoint, mailTo, registerCustomer, type SignedIn } from './http';
import { executionArn, has, needs, tableName } from './target';

// The saga's ways out, the reconciler and the outbox, end to end: failures come from the sandbox's injected faults
// (POST /_aws/faults, capability `faults`), each scoped to one test's customer so that nobody else's checkout
// notices; the reconciler and the outbox's sweepers are waited for where scheduled rules run every few seconds.

type AttentionOrder = OrderView & {
  attention?: { from: string; reason: string; steps: string[]; at: string };
};

let dynamo: DynamoDBDocumentClient;
let sfn: SFNClient;
let product: { id: string; sku: string };

beforeAll(async () => {
  const aws = awsClientConfig();
  dynamo = DynamoDBDocumentClient.from(new DynamoDBClient(aws));
  sfn = new SFNClient(aws);
  const sku = `RECOVER-${randomUUID().slice(0, 8)}`;
  const created = await call<{ id: string }>('/api/v1/products', {
    method: 'POST',
    token: await admin(),
    json: { sku, name: 'Recovery Lamp', price: 40, category: 'Audio', brand: 'Recovery' },
  });
  if (created.status !== 201) throw new Error(`product not created: ${created.status}`);
  product = { id: created.body.id, sku };
  await setStock(sku, 100);
});

const injectFault = async (spec: Record<string, unknown>): Promise<string> => {
  const reply = await callEndpoint<{ id: string }>('/_aws/faults', { method: 'POST', json: spec });
  expect(reply.status).toBe(201);
  return reply.body.id;
};
const removeFault = async (id: string) => {
  expect((await callEndpoint(`/_aws/faults?id=${id}`, { method: 'DELETE' })).status).toBe(204);
};
/** Invocations of a function fail for this customer's orders (the saga's state carries the user id). */
const failFor = (user: SignedIn, handler: string) =>
  injectFault({ service: 'lambda', function: handler, pattern: { userId: [user.user.id] } });

const orderOf = async (id: string, token: string) =>
  (await call<AttentionOrder>(`/api/v1/orders/${id}`, { token })).body;
const paymentOf = async (orderId: string) =>
  call<{ status: string }>(`/api/v1/payments/${chargePaymentId(orderId)}`, { token: await admin() });
const executionStatus = async (name: string) => {
  const arn = executionArn('Checkout', name);
  try {
    return (await sfn.send(new DescribeExecutionCommand({ executionArn: arn }))).status;
  } catch (error) {
    if (error instanceof ExecutionDoesNotExist) return undefined;
    throw error;
  }
};
const cartItems = async (user: SignedIn) =>
  (await call<{ items: unknown[] }>(`/api/v1/cart/${user.user.id}`, { token: user.token })).body.items;

/** A customer with one of the test product in the cart. */
const shopper = async () => {
  const user = await registerCustomer();
  await addToCart(user.user.id, user.token, product.id, 1);
  return user;
};

/**
 * An order whose checkout dead-ended as it could before the saga had ways out: reserved and charged, then every
 * step after failing (confirmation, failing the order, marking it for attention), so that its execution ended and
 * left the order PENDING, charged and holding stock.
 */
const deadEndedOrder = async (user: SignedIn) => {
  const faults = await Promise.all(
    [
      'orders/handlers/saga/confirm-order',
      'orders/handlers/saga/fail-order',
      'orders/handlers/saga/require-attention',
    ].map((handler) => failFor(user, handler)),
  );
  const placed = await placeOrder(user.token);
  expect(placed.status).toBe(202);
  const id = placed.body.id;
  await eventually(async () => (await executionStatus(id)) === 'FAILED', 30_000);
  await Promise.all(faults.map(removeFault));
  expect((await orderOf(id, user.token)).status).toBe('PENDING');
  expect((await paymentOf(id)).body.status).toBe('SUCCEEDED');
  return id;
};

/**
 * As if it had been placed 20 minutes ago, from a cart filled before: the reconciler looks at orders PENDING for more
 * than 15 (the sandbox has no clock to turn), and the cart is cleared only if unchanged since the order was placed.
 */
const backdate = async (orderId: string, userId: string, minutes = 20) => {
  const at = new Date(Date.now() - minutes * 60_000).toISOString();
  const cartAt = new Date(Date.now() - (minutes + 1) * 60_000).toISOString();
  await dynamo.send(
    new UpdateCommand({
      TableName: tableName('orders'),
      Key: { pk: `ORDER#${orderId}`, sk: 'ORDER' },
      UpdateExpression: 'SET createdAt = :at, gsi1sk = :sk, gsi2sk = :sk',
      ExpressionAttributeValues: { ':at': at, ':sk': `${at}#${orderId}` },
    }),
  );
  await dynamo.send(
    new UpdateCommand({
      TableName: tableName('carts'),
      Key: { pk: `CART#${userId}`, sk: 'CART' },
      UpdateExpression: 'SET updatedAt = :at',
      ExpressionAttributeValues: { ':at': cartAt },
    }),
  );
};

needs('faults').describe('a compensation that keeps failing', () => {
  it('leaves the order REQUIRES_ATTENTION, listed for admins, who resolve it: then it is refunded', async () => {
    const user = await shopper();
    const before = await stockOf(product.sku);
    // The confirmation fails (so the saga compensates a charged order), and so does every refund.
    const faults = [
      await failFor(user, 'orders/handlers/saga/confirm-order'),
      await failFor(user, 'payments/handlers/saga/refund-payment'),
    ];
    const placed = await placeOrder(user.token);
    const id = placed.body.id;
    const order = await eventually(async () => {
      const current = await orderOf(id, user.token);
      return current.status === 'REQUIRES_ATTENTION' && current;
    }, 30_000);
    expect(order.attention).toMatchObject({
      from: 'FAILED',
      reason: 'ORDER_NOT_CONFIRMABLE',
      steps: ['RefundPayment'],
    });
    expect(order.history.map((entry) => entry.status)).toEqual(['PENDING', 'FAILED', 'REQUIRES_ATTENTION']);
    await eventually(async () => (await executionStatus(id)) === 'FAILED');
    // Charged and not refunded: why it needs attention. Its stock was released all the same.
    expect((await paymentOf(id)).body.status).toBe('SUCCEEDED');
    expect(await stockOf(product.sku)).toMatchObject({ available: before.available, reserved: before.reserved });

    const listed = await call<{ items: AttentionOrder[] }>('/api/v1/admin/orders?status=REQUIRES_ATTENTION&limit=100', {
      token: await admin(),
    });
    expect(listed.status).toBe(200);
    expect(listed.body.items.find((item) => item.id === id)).toMatchObject({
      status: 'REQUIRES_ATTENTION',
      attention: { from: 'FAILED', steps: ['RefundPayment'] },
    });
    await eventually(async () => {
      const events = await journalEvents<{ detail: { orderId: string; previousStatus: string } }>(dynamo, {
        expression: 'detailType = :type AND detail.orderId = :order',
        values: { ':type': 'OrderRequiresAttention', ':order': id },
      });
      return events.length === 1 && events[0]?.detail.previousStatus === 'FAILED';
    }, 60_000);

    // The refund provider is back; the customer may not resolve it, an admin does.
    await Promise.all(faults.map(removeFault));
    expect((await call(`/api/v1/orders/${id}/resolve`, { method: 'POST', token: user.token })).status).toBe(403);
    const resolved = await call<AttentionOrder>(`/api/v1/orders/${id}/resolve`, {
      method: 'POST',
      token: await admin(),
    });
    expect(resolved.status).toBe(200);
    expect(resolved.body.status).toBe('FAILED');
    expect(resolved.body.attention).toBeUndefined();
    await eventually(async () => (await paymentOf(id)).body.status === 'REFUNDED', 30_000);
    await eventually(async () => (await executionStatus(`${id}-settle-1`)) === 'FAILED', 30_000);
    expect((await orderOf(id, user.token)).status).toBe('FAILED');
  }, 120_000);
});

needs('faults', 'mail', 'fastSchedules').describe('the bus refusing publishes for a while', () => {
  it('still sends the receipt and empties the cart, once, when it takes events again', async () => {
    const user = await shopper();
    const outage = await injectFault({ service: 'events', pattern: { detail: { userId: [user.user.id] } } });
    const placed = await placeOrder(user.token);
    // The checkout needs no bus: the order is confirmed, its events wait in the outbox.
    expect((await settled(placed.body.id, user.token)).status).toBe('CONFIRMED');
    await sleep(3000);
    const receipt = (subject: string) => subject === `Your order ${placed.body.id} is confirmed`;
    expect((await mailTo(user.email)).filter((mail) => receipt(mail.Subject))).toEqual([]);
    expect(await cartItems(user)).toHaveLength(1);
    const refused = (await callEndpoint<{ items: { id: string; hits: number }[] }>('/_aws/faults')).body.items.find(
      (fault) => fault.id === outage,
    );
    // OrderPlaced, PaymentSucceeded, OrderConfirmed at least (the sweeper's tries add to it).
    expect(refused?.hits).toBeGreaterThanOrEqual(3);

    await removeFault(outage);
    // The sweeper publishes what the outbox holds once it is 30 s old (every 2 s in the tests' sandbox).
    await eventually(async () => (await mailTo(user.email)).some((mail) => receipt(mail.Subject)), 90_000);
    await eventually(async () => (await cartItems(user)).length === 0, 30_000);
    await busSettled();
    await sleep(5000);
    await busSettled();
    expect((await mailTo(user.email)).filter((mail) => receipt(mail.Subject))).toHaveLength(1);
  }, 180_000);
});

needs('fastSchedules', 'mail').describe('the reconciler', () => {
  needs('faults').it(
    'confirms a PENDING order whose execution ended after it had been reserved and charged',
    async () => {
      const user = await shopper();
      const before = await stockOf(product.sku);
      const id = await deadEndedOrder(user);
      expect(await stockOf(product.sku)).toMatchObject({ reserved: before.reserved + 1 });
      // Not before 15 minutes: a fresh order is left alone.
      await sleep(5000);
      expect((await orderOf(id, user.token)).status).toBe('PENDING');

      await backdate(id, user.user.id);
      const confirmed = await eventually(async () => {
        const current = await orderOf(id, user.token);
        return current.status !== 'PENDING' && current;
      }, 30_000);
      expect(confirmed.status).toBe('CONFIRMED');
      await eventually(async () => (await executionStatus(`${id}-resume-1`)) === 'SUCCEEDED', 30_000);
      // Charged once, the stock sold, the receipt sent and the cart emptied, as by the checkout itself.
      expect((await paymentOf(id)).body.status).toBe('SUCCEEDED');
      expect(await stockOf(product.sku)).toMatchObject({ available: before.available - 1, reserved: before.reserved });
      const receipt = await eventually(async () => {
        const mails = await mailTo(user.email);
        return mails.some((m) => m.Subject === `Your order ${id} is confirmed`) || undefined;
      }, 30_000).catch(async (error: unknown) => {
        const dead = has('deadLetters')
          ? (await callEndpoint<{ items: unknown[] }>('/_aws/events/dead-letters')).body.items
          : 'not readable here';
        const events = await journalEvents(dynamo, { expression: 'detail.orderId = :o', values: { ':o': id } });
        console.log('receipt missing', JSON.stringify({ dead, events }).slice(0, 4000));
        throw error;
      });
      expect(receipt).toBe(true);
      await eventually(async () => (await cartItems(user)).length === 0);
    },
    120_000,
  );

  it('fails a PENDING order whose checkout never started, reserving and charging nothing this late', async () => {
    const user = await shopper();
    const before = await stockOf(product.sku);
    // What a POST /orders that died between its write and the saga's start leaves, 20 minutes on.
    const id = `ord_${randomUUID()}`;
    const at = new Date(Date.now() - 20 * 60_000).toISOString();
    await dynamo.send(
      new PutCommand({
        TableName: tableName('orders'),
        Item: {
          pk: `ORDER#${id}`,
          sk: 'ORDER',
          id,
          userId: user.user.id,
          status: 'PENDING',
          lines: [
            {
              productId: product.id,
              sku: product.sku,
              name: 'Recovery Lamp',
              quantity: 1,
              unitPriceCents: 4000,
              lineTotalCents: 4000,
            },
          ],
          currency: 'USD',
          totalCents: 4000,
          shippingAddress: address,
          paymentMethod: { type: 'card', token: 'tok_visa' },
          history: [{ status: 'PENDING', at }],
          correlationId: `never-started-${id}`,
          createdAt: at,
          updatedAt: at,
          gsi1pk: `USER#${user.user.id}`,
          gsi1sk: `${at}#${id}`,
          gsi2pk: 'STATUS#PENDING',
          gsi2sk: `${at}#${id}`,
        },
      }),
    );
    const failed = await eventually(async () => {
      const current = await orderOf(id, user.token);
      return current.status !== 'PENDING' && current;
    }, 30_000);
    expect(failed).toMatchObject({ status: 'FAILED', failureReason: 'CHECKOUT_ABANDONED' });
    expect(await executionStatus(id)).toBeUndefined();
    // The run gives back what the order holds (nothing) before it ends.
    await eventually(async () => (await executionStatus(`${id}-resume-1`)) === 'FAILED');
    expect((await paymentOf(id)).status).toBe(404);
    expect(await stockOf(product.sku)).toMatchObject(before);
    await eventually(async () =>
      (await mailTo(user.email)).some((m) => m.Subject === `Your order ${id} could not be completed`),
    );
  }, 60_000);
});

needs('faults').describe('cancelling a PENDING order whose checkout is gone', () => {
  it('refunds its payment and releases its stock, and the order stays CANCELLED', async () => {
    const user = await shopper();
    const before = await stockOf(product.sku);
    const id = await deadEndedOrder(user);
    const cancelled = await call<OrderView>(`/api/v1/orders/${id}/cancel`, { method: 'POST', token: user.token });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('CANCELLED');
    await eventually(async () => (await paymentOf(id)).body.status === 'REFUNDED', 30_000);
    await eventually(async () => {
      const stock = await stockOf(product.sku);
      return stock.available === before.available && stock.reserved === before.reserved;
    }, 30_000);
    expect(await executionStatus(`${id}-settle-1`)).toBeDefined();
    expect((await orderOf(id, user.token)).status).toBe('CANCELLED');
  }, 120_000);
});
