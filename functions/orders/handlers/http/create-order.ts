import { type ApiRequest, api, requirePrincipal } from '../../../shared/api';
import { placeDeps } from '../../deps';
import { countingOrdersStore } from '../../metrics';
import { CreateOrderBody } from '../../schemas';
import { placeOrderWithKey } from '../../service';

// Counts the orders placed (and one whose checkout could not start, as failed).
const deps = { ...placeDeps, orders: countingOrdersStore(placeDeps.orders) };

/** POST /orders: 202 and the order; a retry with the same Idempotency-Key answers the same order. */
const createOrder = async (request: ApiRequest<CreateOrderBody>) => {
  const input = {
    userId: requirePrincipal(request).userId,
    body: request.body,
    correlationId: request.correlationId,
    idempotencyKey: request.headers['idempotency-key'],
  };
  const order = await placeOrderWithKey(deps, input);
  return { statusCode: 202, body: order, headers: { Location: `/api/v1/orders/${order.id}` } };
};

export const handler = api(createOrder, { body: CreateOrderBody });
