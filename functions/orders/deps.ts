import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { cartsStore } from '../carts/store';
import { dynamoCatalogStore } from '../catalog/store';
import { config } from '../shared/config';
import { publish } from '../shared/events';
import { once } from '../shared/idempotency';
import { IdempotencyKeyReusedError } from './errors';
import type { KeyedPlacement, OrdersDeps, PlaceWithKeyDeps } from './service';
import { ordersStore } from './store';

let sfn: SFNClient | undefined;

/** Starts the checkout saga; the order id is the execution name, so a repeated start cannot run it twice. */
const startCheckout: OrdersDeps['startCheckout'] = async (orderId, input) => {
  sfn ??= new SFNClient({});
  await sfn.send(
    new StartExecutionCommand({
      stateMachineArn: config.checkoutStateMachineArn,
      name: orderId,
      input: JSON.stringify(input),
    }),
  );
};

/** The orders context's dependencies, created once per function instance; only placeDeps reads carts. */
const baseDeps = {
  orders: ordersStore(),
  catalog: dynamoCatalogStore(),
  startCheckout,
  publish,
};

export const deps: OrdersDeps = {
  ...baseDeps,
  cartLines: async () => {
    throw new Error('This function does not read carts');
  },
};

const carts = cartsStore();

/**
 * POST /orders: the buyer's cart, and the Idempotency-Key's records (a day; a duplicate racing the first call
 * waits for its order).
 */
export const placeDeps: PlaceWithKeyDeps = {
  ...baseDeps,
  cartLines: async (userId) => (await carts.get(userId)).map(({ productId, quantity }) => ({ productId, quantity })),
  placeOnce: once<KeyedPlacement>({
    scope: 'orders.create',
    expiresAfterSeconds: 24 * 60 * 60,
    keyPath: '[userId, idempotencyKey]',
    payloadPath: 'body',
    reused: () => new IdempotencyKeyReusedError(),
    inProgress: { waitMs: 7_500, pollMs: 100 },
  }),
};
