import { beforeAll, describe, expect, it } from 'vitest';
import { rateLimits } from '../../lib/spec/rate-limits';
import { routes } from '../../lib/spec/routes';
import { addToCart, type OrderView, placeOrder, settled } from './fixtures';
import { call, type ErrorBody, newIp, registerCustomer, type SignedIn } from './http';
import { needs } from './target';

let a: SignedIn;
let b: SignedIn;
let bOrder: OrderView;
beforeAll(async () => {
  [a, b] = await Promise.all([registerCustomer(), registerCustomer()]);
  await addToCart(b.user.id, b.token, 'prod-mouse-001', 1);
  bOrder = await settled((await placeOrder(b.token)).body.id, b.token);
}, 60_000);

/** B's ids in every owner route's path: the cart's user, the order, the payment, a product in the cart. */
const ownerPath = (path: string) =>
  path
    .replace('{userId}', b.user.id)
    .replace('{id}', path.includes('/payments/') ? (bOrder.paymentId as string) : bOrder.id)
    .replace('{productId}', 'prod-mouse-001');

const ownerRoutes = routes.filter(
  (route) => route.auth === 'customer' && /\{(userId|id)\}/.test(route.path) && !route.path.includes('/admin/'),
);

describe("user A on every owner route of user B's", () => {
  it('covers the cart, order and payment routes', () => {
    expect(ownerRoutes.map((r) => `${r.method} ${r.path}`).sort()).toEqual(
      [
        'DELETE /api/v1/cart/{userId}',
        'DELETE /api/v1/cart/{userId}/items/{productId}',
        'GET /api/v1/cart/{userId}',
        'GET /api/v1/orders/{id}',
        'GET /api/v1/payments/{id}',
        'POST /api/v1/cart/{userId}/items',
        'POST /api/v1/orders/{id}/cancel',
        'PUT /api/v1/cart/{userId}/items/{productId}',
      ].sort(),
    );
  });

  it.each(ownerRoutes.map((r) => [r.method, r.path] as const))(
    '%s %s is refused (403, or 404 where existence must not leak)',
    async (method, path) => {
      const body =
        method === 'PUT'
          ? { quantity: 1 }
          : method === 'POST' && path.includes('/items')
            ? { productId: 'prod-mouse-001', quantity: 1 }
            : undefined;
      const reply = await call<ErrorBody>(ownerPath(path), { method, token: a.token, ...(body && { json: body }) });
      expect([403, 404]).toContain(reply.status);
      if (path.startsWith('/api/v1/cart')) expect(reply.status).toBe(403);
      else expect(reply.status).toBe(404);
    },
  );

  it("lists and pays nothing of B's", async () => {
    expect((await call(`/api/v1/orders?userId=${b.user.id}`, { token: a.token })).status).toBe(403);
    const pay = await call('/api/v1/payments', {
      method: 'POST',
      token: a.token,
      json: { orderId: bOrder.id, paymentMethod: { type: 'card', token: 'tok_visa' } },
    });
    expect(pay.status).toBe(404);
    const order = await call<OrderView>(`/api/v1/orders/${bOrder.id}`, { token: b.token });
    expect(order.body.status).toBe('CONFIRMED');
  });
});

needs('forwardedFor').describe('rate limits of the order and payment classes, at the production numbers', () => {
  it.each([
    ['orders', 'POST', '/api/v1/orders', rateLimits.orders.limit],
    ['payments', 'POST', '/api/v1/payments', rateLimits.payments.limit],
  ] as const)('%s: %s %s trips after %i calls per IP', async (_, method, path, limit) => {
    const ip = newIp();
    for (let i = 0; i < limit; i++) {
      const reply = await call(path, { method, token: a.token, ip, json: {} });
      expect(reply.status).toBe(400);
    }
    const limited = await call<ErrorBody>(path, { method, token: a.token, ip, json: {} });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
