import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import {
  addToCart,
  admin,
  createCustomers,
  eventually,
  type OrderView,
  placeOrder,
  setStock,
  settled,
  stockOf,
} from './fixtures';
import { awsClientConfig, call, type ErrorBody, registerCustomer } from './http';
import { tableName } from './target';

const dynamo = DynamoDBDocumentClient.from(new DynamoDBClient(awsClientConfig()));
afterAll(() => dynamo.destroy());

interface PaymentItem {
  paymentId: string;
  orderId: string;
  status: string;
  amountCents: number;
}

const paymentsOf = async (orderId: string) =>
  ((
    await dynamo.send(
      new QueryCommand({
        TableName: tableName('payments'),
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :o',
        ExpressionAttributeValues: { ':o': `ORDER#${orderId}` },
      }),
    )
  ).Items ?? []) as PaymentItem[];

/** available + reserved + sold: what was put on sale, whatever happened to it since. */
const stockRecord = async (sku: string) => {
  const { Item } = await dynamo.send(
    new GetCommand({ TableName: tableName('inventory'), Key: { pk: `STOCK#${sku}`, sk: 'STOCK' } }),
  );
  return Item as { available: number; reserved: number; sold: number };
};
const total = (s: { available: number; reserved: number; sold: number }) => s.available + s.reserved + s.sold;

describe('the original integration flow', () => {
  it('register -> browse -> add to cart (README body) -> order -> CONFIRMED, stock down one, paid, cart emptied, in history', async () => {
    const { user, token } = await registerCustomer();
    const products = await call<{ items: { id: string }[] }>('/api/v1/products');
    expect(products.body.items.map((p) => p.id)).toContain('prod-laptop-001');
    const before = await stockOf('LAPTOP-001');

    const added = await call<{ items: { price: number }[] }>(`/api/v1/cart/${user.id}/items`, {
      method: 'POST',
      token,
      headers: { 'Content-Type': 'application/json' },
      body: `{
    "productId": "prod-laptop-001",
    "sku": "LAPTOP-001",
    "name": "Premium Ultrabook Pro 15",
    "price": 1299.99,
    "quantity": 1
  }`,
    });
    expect([200, 201]).toContain(added.status);
    expect(added.body.items[0]?.price).toBe(1299.99);

    const created = await placeOrder(token);
    expect(created.status).toBe(202);
    expect(created.body.status).toBe('PENDING');
    expect(created.body.total).toBe(1299.99);

    const order = await settled(created.body.id, token);
    expect(order.status).toBe('CONFIRMED');
    expect(order.history.map((h) => h.status)).toEqual(['PENDING', 'CONFIRMED']);
    expect((await stockOf('LAPTOP-001')).available).toBe(before.available - 1);

    expect(order.paymentId).toBeTruthy();
    const payment = await call<{ status: string; amount: number; orderId: string }>(
      `/api/v1/payments/${order.paymentId}`,
      {
        token,
      },
    );
    expect(payment.status).toBe(200);
    expect(payment.body).toMatchObject({ status: 'SUCCEEDED', amount: 1299.99, orderId: order.id });

    await eventually(async () => {
      const cart = await call<{ items: unknown[] }>(`/api/v1/cart/${user.id}`, { token });
      return cart.body.items.length === 0;
    });
    const history = await call<{ items: OrderView[] }>(`/api/v1/orders?userId=${user.id}`, { token });
    expect(history.body.items.map((o) => o.id)).toContain(order.id);
  });
});

describe('no oversell under concurrency', () => {
  it('100 concurrent checkouts for a SKU with stock 10: exactly 10 CONFIRMED, 90 FAILED OUT_OF_STOCK', async () => {
    const sku = 'CHAIR-001';
    await setStock(sku, 10);
    const start = await stockRecord(sku);
    const buyers = await createCustomers(100);
    await Promise.all(buyers.map((b) => addToCart(b.userId, b.token, 'prod-chair-001', 1)));

    const placed = await Promise.all(buyers.map((b) => placeOrder(b.token)));
    expect(placed.every((reply) => reply.status === 202)).toBe(true);
    const orders = await Promise.all(
      placed.map((reply, i) => settled(reply.body.id, buyers[i]?.token as string, 120_000)),
    );

    const confirmed = orders.filter((o) => o.status === 'CONFIRMED');
    const failed = orders.filter((o) => o.status === 'FAILED');
    expect(confirmed).toHaveLength(10);
    expect(failed).toHaveLength(90);
    expect(failed.every((o) => o.failureReason === 'OUT_OF_STOCK')).toBe(true);

    // An order reads CONFIRMED a moment before its saga's last step moves the stock from reserved to sold.
    const end = await eventually(async () => {
      const record = await stockRecord(sku);
      return record.reserved === 0 && record;
    });
    expect(end.available).toBe(0);
    expect(end.reserved).toBe(0);
    expect(total(end)).toBe(total(start));
    expect(end.sold - start.sold).toBe(10);

    const payments = await Promise.all(orders.map((o) => paymentsOf(o.id)));
    orders.forEach((order, i) => {
      const succeeded = (payments[i] ?? []).filter((p) => p.status === 'SUCCEEDED');
      expect(succeeded, order.status).toHaveLength(order.status === 'CONFIRMED' ? 1 : 0);
    });
  }, 240_000);
});

describe('Idempotency-Key', () => {
  it('20 concurrent identical requests give one order and one charge', async () => {
    const [buyer] = await createCustomers(1);
    if (!buyer) throw new Error('no buyer');
    await addToCart(buyer.userId, buyer.token, 'prod-mouse-001', 2);
    const key = randomUUID();
    const replies = await Promise.all(
      Array.from({ length: 20 }, () => placeOrder(buyer.token, 'tok_visa', { 'Idempotency-Key': key })),
    );
    expect(replies.map((r) => r.status)).toEqual(Array(20).fill(202));
    const ids = new Set(replies.map((r) => r.body.id));
    expect(ids.size).toBe(1);
    const [orderId] = [...ids] as [string];
    expect((await settled(orderId, buyer.token)).status).toBe('CONFIRMED');
    const mine = await call<{ items: OrderView[] }>('/api/v1/orders', { token: buyer.token });
    expect(mine.body.items).toHaveLength(1);
    expect((await paymentsOf(orderId)).filter((p) => p.status === 'SUCCEEDED')).toHaveLength(1);

    const other = await call<ErrorBody>('/api/v1/orders', {
      method: 'POST',
      token: buyer.token,
      headers: { 'Idempotency-Key': key },
      json: {
        shippingAddress: { name: 'X', line1: 'Y', city: 'Z', postalCode: '999', country: 'FR' },
        paymentMethod: { type: 'card', token: 'tok_visa' },
      },
    });
    expect(other.status).toBe(422);
    expect(other.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });
});

describe('every failure path leaves stock, payment and order consistent', () => {
  const failWith = async (productId: string, sku: string, cardToken: string) => {
    const [buyer] = await createCustomers(1);
    if (!buyer) throw new Error('no buyer');
    const before = await stockRecord(sku);
    await addToCart(buyer.userId, buyer.token, productId, 1);
    const created = await placeOrder(buyer.token, cardToken);
    const order = await settled(created.body.id, buyer.token);
    const after = await stockRecord(sku);
    return { order, before, after, payments: await paymentsOf(order.id) };
  };

  it.each([
    ['tok_chargeDeclined', 'PAYMENT_DECLINED'],
    ['tok_chargeDeclinedInsufficientFunds', 'INSUFFICIENT_FUNDS'],
    ['tok_timeout', 'PAYMENT_TIMEOUT'],
  ])(
    '%s: FAILED %s, stock given back, nothing charged',
    async (cardToken, reason) => {
      const { order, before, after, payments } = await failWith('prod-webcam-001', 'WEBCAM-001', cardToken);
      expect(order.status).toBe('FAILED');
      expect(order.failureReason).toBe(reason);
      expect(order.history.map((h) => h.status)).toEqual(['PENDING', 'FAILED']);
      expect(after.available).toBe(before.available);
      expect(after.reserved).toBe(before.reserved);
      expect(after.sold).toBe(before.sold);
      expect(payments.filter((p) => p.status === 'SUCCEEDED')).toHaveLength(0);
    },
    60_000,
  );

  it('out of stock on the second of three lines: nothing reserved, nothing charged', async () => {
    const [buyer] = await createCustomers(1);
    if (!buyer) throw new Error('no buyer');
    await setStock('ROUTER-001', 0);
    const skus = ['SSD-001', 'ROUTER-001', 'TABLET-001'];
    const before = await Promise.all(skus.map(stockRecord));
    await addToCart(buyer.userId, buyer.token, 'prod-ssd-001', 1);
    await addToCart(buyer.userId, buyer.token, 'prod-router-001', 1);
    await addToCart(buyer.userId, buyer.token, 'prod-tablet-001', 1);
    const order = await settled((await placeOrder(buyer.token)).body.id, buyer.token);
    expect(order.status).toBe('FAILED');
    expect(order.failureReason).toBe('OUT_OF_STOCK');
    expect(await Promise.all(skus.map(stockRecord))).toEqual(before);
    expect(await paymentsOf(order.id)).toHaveLength(0);
    await setStock('ROUTER-001', 45);
  });
});

describe('after confirmation', () => {
  it('cancel refunds and restocks', async () => {
    const { user, token } = await registerCustomer();
    const before = await stockRecord('SPEAKER-001');
    await addToCart(user.id, token, 'prod-speaker-001', 2);
    const order = await settled((await placeOrder(token)).body.id, token);
    expect(order.status).toBe('CONFIRMED');
    expect((await stockRecord('SPEAKER-001')).available).toBe(before.available - 2);

    const cancelled = await call<OrderView>(`/api/v1/orders/${order.id}/cancel`, { method: 'POST', token });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('CANCELLED');
    const refunded = await eventually(async () => {
      const [payment] = await paymentsOf(order.id);
      return payment?.status === 'REFUNDED' && payment;
    });
    expect(refunded.amountCents).toBe(2 * 19_999);
    await eventually(async () => (await stockRecord('SPEAKER-001')).available === before.available);
    const after = await stockRecord('SPEAKER-001');
    expect(after).toEqual({ ...after, available: before.available, reserved: before.reserved, sold: before.sold });
    expect((await call(`/api/v1/orders/${order.id}/cancel`, { method: 'POST', token })).status).toBe(409);
  });

  it('only admins ship; deliver before ship is 409; ship then deliver', async () => {
    const { user, token } = await registerCustomer();
    await addToCart(user.id, token, 'prod-keyboard-001', 1);
    const order = await settled((await placeOrder(token)).body.id, token);
    expect(order.status).toBe('CONFIRMED');
    expect((await call(`/api/v1/orders/${order.id}/ship`, { method: 'POST', token })).status).toBe(403);
    const early = await call<ErrorBody>(`/api/v1/orders/${order.id}/deliver`, { method: 'POST', token: await admin() });
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe('INVALID_TRANSITION');
    const shipped = await call<OrderView>(`/api/v1/orders/${order.id}/ship`, { method: 'POST', token: await admin() });
    expect(shipped.body.status).toBe('SHIPPED');
    const delivered = await call<OrderView>(`/api/v1/orders/${order.id}/deliver`, {
      method: 'POST',
      token: await admin(),
    });
    expect(delivered.body.history.map((h) => h.status)).toEqual(['PENDING', 'CONFIRMED', 'SHIPPED', 'DELIVERED']);
    expect((await call(`/api/v1/orders/${order.id}/cancel`, { method: 'POST', token })).status).toBe(409);
    const listed = await call<{ items: OrderView[] }>('/api/v1/admin/orders?status=DELIVERED', {
      token: await admin(),
    });
    expect(listed.body.items.map((o) => o.id)).toContain(order.id);
  });

  it('an empty cart cannot be ordered', async () => {
    const { token } = await registerCustomer();
    const reply = await placeOrder(token);
    expect(reply.status).toBe(422);
    expect((reply.body as unknown as ErrorBody).error.code).toBe('CART_EMPTY');
  });
});
