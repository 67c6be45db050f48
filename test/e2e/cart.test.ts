import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CartView } from '../../functions/carts/schemas';
import { rateLimits } from '../../lib/spec/rate-limits';
import { busEvent, eventually } from './fixtures';
import { awsClientConfig, call, type ErrorBody, loginAdmin, newIp, registerCustomer, type SignedIn } from './http';
import { functionEnvironment, needs, tableName } from './target';

const dynamo = DynamoDBDocumentClient.from(new DynamoDBClient(awsClientConfig()));
const CARTS_TABLE = tableName('carts');
const CATALOG_TABLE = tableName('catalog');
const DAY = 86_400;

const README_BODY = `{"productId": "prod-laptop-001", "sku": "LAPTOP-001", "name": "Premium Ultrabook Pro 15", "price": 1299.99, "quantity": 1}`;

const cartPath = (userId: string) => `/api/v1/cart/${userId}`;
const itemPath = (userId: string, productId: string) => `/api/v1/cart/${userId}/items/${productId}`;

const getCart = (who: SignedIn, token = who.token) => call<CartView>(cartPath(who.user.id), { token });
const add = (who: SignedIn, productId: string, quantity = 1, ip?: string) =>
  call<CartView & ErrorBody>(`${cartPath(who.user.id)}/items`, {
    method: 'POST',
    token: who.token,
    json: { productId, quantity },
    ...(ip && { ip }),
  });
const setQuantity = (who: SignedIn, productId: string, quantity: number) =>
  call<CartView & ErrorBody>(itemPath(who.user.id, productId), {
    method: 'PUT',
    token: who.token,
    json: { quantity },
  });
const remove = (who: SignedIn, productId: string) =>
  call<CartView & ErrorBody>(itemPath(who.user.id, productId), { method: 'DELETE', token: who.token });

const storedCart = async (userId: string) =>
  (await dynamo.send(new GetCommand({ TableName: CARTS_TABLE, Key: { pk: `CART#${userId}`, sk: 'CART' } }))).Item;

/**
 * Products of this file only. Written straight to the catalog table without the listing-index
 * attributes, so they are on sale (readable by id) but absent from the catalog's listings, which
 * other tests count.
 */
const RUN = randomUUID().slice(0, 8);
const created: string[] = [];
const putProduct = async (suffix: string, priceCents: number, extra: Record<string, unknown> = {}) => {
  const id = `prod-cart-${RUN}-${suffix}`;
  const now = new Date().toISOString();
  await dynamo.send(
    new PutCommand({
      TableName: CATALOG_TABLE,
      Item: {
        pk: `PRODUCT#${id}`,
        sk: 'PRODUCT',
        id,
        sku: `CART-${RUN}-${suffix}`.toUpperCase(),
        name: `Cart test product ${suffix}`,
        description: 'Made by the cart tests',
        priceCents,
        currency: 'USD',
        category: 'Test',
        brand: 'Test',
        images: [],
        attributes: {},
        createdAt: now,
        updatedAt: now,
        ...extra,
      },
    }),
  );
  created.push(id);
  return id;
};
const changeProduct = (id: string, set: Record<string, unknown>) =>
  dynamo.send(
    new UpdateCommand({
      TableName: CATALOG_TABLE,
      Key: { pk: `PRODUCT#${id}`, sk: 'PRODUCT' },
      UpdateExpression: `SET ${Object.keys(set)
        .map((_, i) => `#f${i} = :v${i}`)
        .join(', ')}`,
      ExpressionAttributeNames: Object.fromEntries(Object.keys(set).map((name, i) => [`#f${i}`, name])),
      ExpressionAttributeValues: Object.fromEntries(Object.values(set).map((value, i) => [`:v${i}`, value])),
    }),
  );

afterAll(async () => {
  await Promise.all(
    created.map((id) =>
      dynamo.send(new DeleteCommand({ TableName: CATALOG_TABLE, Key: { pk: `PRODUCT#${id}`, sk: 'PRODUCT' } })),
    ),
  );
  dynamo.destroy();
});

describe("the original README's add-to-cart call", () => {
  it('adds the laptop at the catalog price, and ignores a client price of 0.01', async () => {
    const me = await registerCustomer();
    const added = await call<CartView>(`${cartPath(me.user.id)}/items`, {
      method: 'POST',
      token: me.token,
      headers: { 'Content-Type': 'application/json' },
      body: README_BODY,
    });
    expect(added.status).toBe(200);
    expect(added.body).toEqual({
      userId: me.user.id,
      items: [
        {
          productId: 'prod-laptop-001',
          sku: 'LAPTOP-001',
          name: 'Premium Ultrabook Pro 15',
          price: 1299.99,
          quantity: 1,
          lineTotal: 1299.99,
          available: true,
        },
      ],
      itemCount: 1,
      subtotal: 1299.99,
      total: 1299.99,
      currency: 'USD',
    });
    expect(added.headers.get('cache-control')).toBe('no-store');

    const cheap = await call<CartView>(`${cartPath(me.user.id)}/items`, {
      method: 'POST',
      token: me.token,
      json: { productId: 'prod-laptop-001', sku: 'FREE', name: 'Bargain', price: 0.01, quantity: 1 },
    });
    expect(cheap.status).toBe(200);
    expect(cheap.body.items).toEqual([
      expect.objectContaining({ name: 'Premium Ultrabook Pro 15', sku: 'LAPTOP-001', price: 1299.99, quantity: 2 }),
    ]);
    expect(cheap.body).toMatchObject({ itemCount: 2, subtotal: 2599.98, total: 2599.98 });
    const stored = await storedCart(me.user.id);
    expect(stored?.lines['prod-laptop-001']).toMatchObject({
      unitPriceCents: 129_999,
      quantity: 2,
      name: 'Premium Ultrabook Pro 15',
    });
  });
});

describe('a cart', () => {
  let me: SignedIn;
  beforeAll(async () => {
    me = await registerCustomer();
  });

  it('answers 200 with no items before anything is added', async () => {
    const { status, body } = await getCart(me);
    expect(status).toBe(200);
    expect(body).toEqual({ userId: me.user.id, items: [], itemCount: 0, subtotal: 0, total: 0, currency: 'USD' });
  });

  it('adds, updates, removes and clears lines', async () => {
    expect((await add(me, 'prod-mouse-001', 2)).status).toBe(200);
    const two = await add(me, 'prod-keyboard-001', 1);
    expect(two.body.items.map((item) => [item.productId, item.quantity])).toEqual([
      ['prod-mouse-001', 2],
      ['prod-keyboard-001', 1],
    ]);
    // 2 x 79.99 + 149.99, summed in cents.
    expect(two.body).toMatchObject({ itemCount: 3, subtotal: 309.97, total: 309.97 });

    const updated = await setQuantity(me, 'prod-mouse-001', 5);
    expect(updated.status).toBe(200);
    expect(updated.body.items[0]).toMatchObject({ productId: 'prod-mouse-001', quantity: 5, lineTotal: 399.95 });
    expect(updated.body.subtotal).toBe(549.94);

    const zero = await setQuantity(me, 'prod-keyboard-001', 0);
    expect(zero.status).toBe(200);
    expect(zero.body.items.map((item) => item.productId)).toEqual(['prod-mouse-001']);

    const removed = await remove(me, 'prod-mouse-001');
    expect(removed.status).toBe(200);
    expect(removed.body).toMatchObject({ items: [], itemCount: 0, total: 0 });

    const again = await remove(me, 'prod-mouse-001');
    expect(again.status).toBe(404);
    expect(again.body.error.code).toBe('ITEM_NOT_IN_CART');
    const absent = await setQuantity(me, 'prod-ssd-001', 3);
    expect(absent.status).toBe(404);
    expect(absent.body.error.code).toBe('ITEM_NOT_IN_CART');

    await add(me, 'prod-ssd-001', 1);
    const cleared = await call(cartPath(me.user.id), { method: 'DELETE', token: me.token });
    expect(cleared.status).toBe(204);
    expect(cleared.body).toBe('');
    expect((await getCart(me)).body.items).toEqual([]);
    expect(await storedCart(me.user.id)).toBeUndefined();
    // Clearing an empty cart is not an error.
    expect((await call(cartPath(me.user.id), { method: 'DELETE', token: me.token })).status).toBe(204);
  });

  it('refuses unknown and withdrawn products with 404 PRODUCT_NOT_FOUND', async () => {
    const withdrawn = await putProduct('withdrawn', 1_000, { deletedAt: new Date().toISOString() });
    for (const productId of ['prod-does-not-exist', withdrawn]) {
      const reply = await add(me, productId);
      expect(reply.status).toBe(404);
      expect(reply.body.error.code).toBe('PRODUCT_NOT_FOUND');
    }
    expect(await storedCart(me.user.id)).toBeUndefined();
  });

  it('shows current catalog prices and names, and withdrawn products as unavailable outside the totals', async () => {
    const user = await registerCustomer();
    const [repriced, pulled] = await Promise.all([putProduct('repriced', 2_500), putProduct('pulled', 700)]);
    await add(user, repriced, 2);
    await add(user, pulled, 3);
    await changeProduct(repriced, { priceCents: 1_999, name: 'Renamed' });
    await changeProduct(pulled, { deletedAt: new Date().toISOString() });
    const { body } = await getCart(user);
    expect(body.items).toEqual([
      expect.objectContaining({
        productId: repriced,
        name: 'Renamed',
        price: 19.99,
        lineTotal: 39.98,
        available: true,
      }),
      expect.objectContaining({ productId: pulled, price: 7, quantity: 3, available: false }),
    ]);
    expect(body).toMatchObject({ itemCount: 2, subtotal: 39.98, total: 39.98 });
  });

  it('expires 30 days after its last change (DynamoDB TTL), refreshed on every write', async () => {
    const user = await registerCustomer();
    const before = Math.floor(Date.now() / 1000);
    await add(user, 'prod-webcam-001');
    const first = Number((await storedCart(user.user.id))?.expiresAt);
    expect(first).toBeGreaterThanOrEqual(before + 30 * DAY);
    expect(first).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000) + 30 * DAY);
    // The expiry counts whole seconds: the next write moves it once a new second has begun.
    await eventually(async () => Math.floor(Date.now() / 1000) > first - 30 * DAY, 5_000);
    await setQuantity(user, 'prod-webcam-001', 2);
    expect(Number((await storedCart(user.user.id))?.expiresAt)).toBeGreaterThan(first);
  });
});

describe('the limits', () => {
  it('takes 1 to 99 of a product: more after adding is 422 QUANTITY_LIMIT, out of range is 400', async () => {
    const me = await registerCustomer();
    expect((await add(me, 'prod-speaker-001', 99)).body.items?.[0]?.quantity).toBe(99);
    const over = await add(me, 'prod-speaker-001', 1);
    expect(over.status).toBe(422);
    expect(over.body.error.code).toBe('QUANTITY_LIMIT');
    for (const quantity of [0, 100, -1]) {
      const reply = await add(me, 'prod-router-001', quantity);
      expect(reply.status, `POST quantity ${quantity}`).toBe(400);
      expect(reply.body.error.code).toBe('VALIDATION_ERROR');
    }
    expect((await setQuantity(me, 'prod-speaker-001', 100)).status).toBe(400);
    expect((await getCart(me)).body.items).toEqual([expect.objectContaining({ quantity: 99 })]);
  });

  it('holds 50 different products; concurrent adds past that get 422 CART_FULL and the cart stays at 50', async () => {
    const me = await registerCustomer();
    const products = await Promise.all(Array.from({ length: 55 }, (_, i) => putProduct(`line-${i}`, 100 + i)));
    // 45 distinct products at once: the first write creates the cart, the others add their lines.
    const first = await Promise.all(products.slice(0, 45).map((id) => add(me, id)));
    expect(first.map((reply) => reply.status)).toEqual(Array(45).fill(200));
    const last = await Promise.all(products.slice(45).map((id) => add(me, id)));
    const statuses = last.map((reply) => reply.status).sort();
    expect(statuses).toEqual([...Array(5).fill(200), ...Array(5).fill(422)]);
    expect(last.filter((reply) => reply.status === 422).every((reply) => reply.body.error.code === 'CART_FULL')).toBe(
      true,
    );
    const { body } = await getCart(me);
    expect(body.items).toHaveLength(50);
    expect(body.itemCount).toBe(50);
    // A product already in the full cart can still be added to.
    expect((await add(me, body.items[0]?.productId ?? '')).status).toBe(200);
  });

  it('counts 20 concurrent adds of one product exactly', async () => {
    const me = await registerCustomer();
    const replies = await Promise.all(Array.from({ length: 20 }, () => add(me, 'prod-tablet-001')));
    expect(replies.map((reply) => reply.status)).toEqual(Array(20).fill(200));
    const { body } = await getCart(me);
    expect(body.items).toEqual([expect.objectContaining({ productId: 'prod-tablet-001', quantity: 20 })]);
    expect(body.total).toBe(19_999.8);
  });

  it('never passes 99 under concurrent adds', async () => {
    const me = await registerCustomer();
    await add(me, 'prod-chair-001', 90);
    const replies = await Promise.all(Array.from({ length: 20 }, () => add(me, 'prod-chair-001')));
    const statuses = replies.map((reply) => reply.status).sort();
    expect(statuses).toEqual([...Array(9).fill(200), ...Array(11).fill(422)]);
    expect((await getCart(me)).body.items[0]?.quantity).toBe(99);
  });
});

describe('who may act on a cart', () => {
  let owner: SignedIn;
  let other: SignedIn;
  beforeAll(async () => {
    [owner, other] = await Promise.all([registerCustomer(), registerCustomer()]);
    await add(owner, 'prod-headset-001', 2);
  });

  it('another customer gets 403 on every cart route, and the cart is unchanged', async () => {
    const id = owner.user.id;
    const attempts = [
      call<ErrorBody>(cartPath(id), { token: other.token }),
      call<ErrorBody>(`${cartPath(id)}/items`, {
        method: 'POST',
        token: other.token,
        json: { productId: 'prod-mouse-001', quantity: 1 },
      }),
      call<ErrorBody>(itemPath(id, 'prod-headset-001'), { method: 'PUT', token: other.token, json: { quantity: 9 } }),
      call<ErrorBody>(itemPath(id, 'prod-headset-001'), { method: 'DELETE', token: other.token }),
      call<ErrorBody>(cartPath(id), { method: 'DELETE', token: other.token }),
    ];
    for (const reply of await Promise.all(attempts)) {
      expect(reply.status).toBe(403);
      expect(reply.body.error.code).toBe('FORBIDDEN');
    }
    const { body } = await getCart(owner);
    expect(body.items).toEqual([expect.objectContaining({ productId: 'prod-headset-001', quantity: 2 })]);
  });

  it('without a session every cart route is 401', async () => {
    const id = owner.user.id;
    const replies = await Promise.all([
      call(cartPath(id)),
      call(`${cartPath(id)}/items`, { method: 'POST', json: { productId: 'prod-mouse-001', quantity: 1 } }),
      call(itemPath(id, 'prod-headset-001'), { method: 'PUT', json: { quantity: 1 } }),
      call(itemPath(id, 'prod-headset-001'), { method: 'DELETE' }),
      call(cartPath(id), { method: 'DELETE' }),
    ]);
    expect(replies.map((reply) => reply.status)).toEqual(Array(5).fill(401));
  });

  it('an admin may read any cart', async () => {
    const admin = await loginAdmin();
    const { status, body } = await call<CartView>(cartPath(owner.user.id), { token: admin });
    expect(status).toBe(200);
    expect(body).toMatchObject({ userId: owner.user.id, itemCount: 2, total: 599.98 });
  });
});

describe('bad input', () => {
  it('is refused with 400, and nothing is written', async () => {
    const me = await registerCustomer();
    const items = `${cartPath(me.user.id)}/items`;
    const bodies: [string, string][] = [
      ['not json', 'INVALID_JSON'],
      ['[]', 'VALIDATION_ERROR'],
      ['{}', 'VALIDATION_ERROR'],
      ['{"productId": "prod-mouse-001"}', 'VALIDATION_ERROR'],
      ['{"productId": "prod-mouse-001", "quantity": "1"}', 'VALIDATION_ERROR'],
      ['{"productId": "prod-mouse-001", "quantity": 1.5}', 'VALIDATION_ERROR'],
      ['{"productId": "prod-mouse-001", "quantity": 1, "userId": "usr_x"}', 'VALIDATION_ERROR'],
      ['{"productId": "prod-mouse-001", "quantity": 1, "price": "free"}', 'VALIDATION_ERROR'],
      ['{"productId": "prod-mouse-001", "quantity": 1, "price": -5}', 'VALIDATION_ERROR'],
      [`{"productId": "prod-mouse-001", "quantity": 1, "name": "${'x'.repeat(300)}"}`, 'VALIDATION_ERROR'],
      ['{"productId": "../../etc/passwd", "quantity": 1}', 'VALIDATION_ERROR'],
      [`{"productId": "${'p'.repeat(200)}", "quantity": 1}`, 'VALIDATION_ERROR'],
    ];
    for (const [body, code] of bodies) {
      const reply = await call<ErrorBody>(items, {
        method: 'POST',
        token: me.token,
        headers: { 'Content-Type': 'application/json' },
        body,
      });
      expect(reply.status, body).toBe(400);
      expect(reply.body.error.code, body).toBe(code);
    }
    await add(me, 'prod-mouse-001', 1);
    for (const json of [{}, { quantity: -1 }, { quantity: 'two' }, { quantity: 2, productId: 'prod-ssd-001' }]) {
      const reply = await call<ErrorBody>(itemPath(me.user.id, 'prod-mouse-001'), {
        method: 'PUT',
        token: me.token,
        json,
      });
      expect(reply.status, JSON.stringify(json)).toBe(400);
    }
    expect((await call(itemPath(me.user.id, 'bad%20id'), { method: 'DELETE', token: me.token })).status).toBe(400);
    const stored = await storedCart(me.user.id);
    expect(Object.keys(stored?.lines ?? {})).toEqual(['prod-mouse-001']);
    expect(stored?.lines['prod-mouse-001'].quantity).toBe(1);
  });
});

// Per client IP: only where each test can be a client of its own.
needs('forwardedFor').describe('the cart rate limit', () => {
  it(`lets ${rateLimits.cart.limit} cart calls through per IP, then answers 429 with Retry-After`, async () => {
    const me = await registerCustomer();
    const ip = newIp();
    for (let i = 1; i <= rateLimits.cart.limit; i++) {
      const reply = await call(cartPath(me.user.id), { token: me.token, ip });
      expect(reply.status).toBe(200);
      expect(reply.headers.get('ratelimit-remaining')).toBe(String(rateLimits.cart.limit - i));
    }
    const limited = await add(me, 'prod-mouse-001', 1, ip);
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('RATE_LIMITED');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await storedCart(me.user.id)).toBeUndefined();
    // Another client is not affected.
    expect((await getCart(me)).status).toBe(200);
  });
});

describe('clear-cart-on-order, the OrderConfirmed consumer', () => {
  it("empties the buyer's cart, and a redelivered event does no harm", async () => {
    const me = await registerCustomer();
    await add(me, 'prod-monitor-001', 1);
    await add(me, 'prod-ssd-001', 2);
    Object.assign(process.env, functionEnvironment(), { POWERTOOLS_LOG_LEVEL: 'WARN' });
    const { handler } = await import('../../functions/carts/handlers/events/clear-cart-on-order');
    const event = busEvent('OrderConfirmed', 'orders', {
      version: 1,
      correlationId: randomUUID(),
      orderId: `ord_${randomUUID()}`,
      userId: me.user.id,
      totalCents: 84_997,
      currency: 'USD',
      lines: [],
      shippingAddress: { name: 'A', line1: 'B', city: 'C', postalCode: '1', country: 'US' },
    });
    await handler(event);
    expect((await getCart(me)).body.items).toEqual([]);
    await handler(event);
    expect(await storedCart(me.user.id)).toBeUndefined();
  });
});
