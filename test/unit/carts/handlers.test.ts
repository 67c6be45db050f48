import type { EventBridgeEvent } from 'aws-lambda';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { handler as clearCartOnOrder } from '../../../functions/carts/handlers/events/clear-cart-on-order';
import { handler as addItem } from '../../../functions/carts/handlers/http/add-item';
import { handler as clearCart } from '../../../functions/carts/handlers/http/clear-cart';
import { handler as getCart } from '../../../functions/carts/handlers/http/get-cart';
import { handler as removeItem } from '../../../functions/carts/handlers/http/remove-item';
import { handler as updateItem } from '../../../functions/carts/handlers/http/update-item';
import type { Principal } from '../../../functions/shared/api';
import { ValidationError } from '../../../functions/shared/errors';
import { ENV } from '../../../lib/spec/env';
import { type ApiEventInput, type ApiHandler, apiEvent, invokeApi } from '../support/api-event';

const owner = { userId: 'usr_owner' };
const item = { userId: 'usr_owner', productId: 'prod-laptop-001' };

// Each is refused before any table is touched, so no database is needed here.
const routes: [name: string, handler: ApiHandler, request: ApiEventInput][] = [
  ['GET cart', getCart, { method: 'GET', resource: '/api/v1/cart/{userId}', pathParameters: owner }],
  [
    'POST item',
    addItem,
    {
      method: 'POST',
      resource: '/api/v1/cart/{userId}/items',
      pathParameters: owner,
      body: { productId: 'prod-laptop-001', quantity: 1 },
    },
  ],
  [
    'PUT item',
    updateItem,
    { method: 'PUT', resource: '/api/v1/cart/{userId}/items/{productId}', pathParameters: item, body: { quantity: 2 } },
  ],
  [
    'DELETE item',
    removeItem,
    { method: 'DELETE', resource: '/api/v1/cart/{userId}/items/{productId}', pathParameters: item },
  ],
  ['DELETE cart', clearCart, { method: 'DELETE', resource: '/api/v1/cart/{userId}', pathParameters: owner }],
];

const call = (handler: ApiHandler, request: ApiEventInput, principal?: Principal) =>
  invokeApi(handler, apiEvent({ ...request, principal, headers: { Authorization: 'Bearer t' } }));

describe('the cart handlers', () => {
  // The per-IP limiter counts in the platform table; these requests must not need one.
  beforeEach(() => {
    vi.stubEnv(ENV.rateLimits, 'off');
    return () => vi.unstubAllEnvs();
  });

  it.each(routes)('%s: another customer gets 403', async (_, handler, request) => {
    const result = await call(handler, request, { userId: 'usr_other', role: 'customer' });
    expect(result.statusCode).toBe(403);
    expect(result.json).toMatchObject({ error: { code: 'FORBIDDEN' } });
  });

  it.each(routes)('%s: no principal gets 401', async (_, handler, request) => {
    const result = await call(handler, request);
    expect(result.statusCode).toBe(401);
    expect(result.json).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
  });
});

describe('clear-cart-on-order', () => {
  it.each([{}, { orderId: 'o1' }, { orderId: 'o1', userId: 42 }, null])(
    'refuses an OrderConfirmed detail without a user: %j',
    async (detail) => {
      const event = { detail } as EventBridgeEvent<'OrderConfirmed', unknown>;
      await expect(clearCartOnOrder(event)).rejects.toBeInstanceOf(ValidationError);
    },
  );
});
