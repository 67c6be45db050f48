import type { Context, EventBridgeEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { addItem } from '../../../functions/carts/handlers/add-item';
import { clearCart } from '../../../functions/carts/handlers/clear-cart';
import { handler as clearCartOnOrder } from '../../../functions/carts/handlers/clear-cart-on-order';
import { getCart } from '../../../functions/carts/handlers/get-cart';
import { removeItem } from '../../../functions/carts/handlers/remove-item';
import { updateItem } from '../../../functions/carts/handlers/update-item';
import type { ApiRequest, Principal } from '../../../functions/shared/api';
import { ForbiddenError, UnauthorizedError, ValidationError } from '../../../functions/shared/errors';

type Params = { userId: string; productId: string };

const request = <B>(principal: Principal | undefined, body: B): ApiRequest<B, undefined, Params> => ({
  body,
  query: undefined,
  params: { userId: 'usr_owner', productId: 'prod-laptop-001' },
  principal,
  headers: {},
  requestId: 'r',
  correlationId: 'c',
  sourceIp: '1.2.3.4',
  userAgent: 'test',
  lambdaContext: {} as Context,
});

// Each is refused before any table is touched, so no database is needed here.
const routes = [
  ['GET cart', () => getCart],
  ['POST item', () => addItem],
  ['PUT item', () => updateItem],
  ['DELETE item', () => removeItem],
  ['DELETE cart', () => clearCart],
] as const;

describe('the cart handlers', () => {
  it.each(routes)('%s: another customer gets 403', async (_, fn) => {
    const call = fn() as (r: ReturnType<typeof request>) => Promise<unknown>;
    await expect(
      call(request({ userId: 'usr_other', role: 'customer' }, { productId: 'p', quantity: 1 })),
    ).rejects.toBeInstanceOf(ForbiddenError);
  });

  it.each(routes)('%s: no principal gets 401', async (_, fn) => {
    const call = fn() as (r: ReturnType<typeof request>) => Promise<unknown>;
    await expect(call(request(undefined, { productId: 'p', quantity: 1 }))).rejects.toBeInstanceOf(UnauthorizedError);
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
