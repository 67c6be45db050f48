import {
  IdempotencyAlreadyInProgressError,
  IdempotencyConfig,
  IdempotencyValidationError,
  makeIdempotent,
} from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { cartsStore } from '../../../carts/store';
import { type ApiRequest, api, requirePrincipal } from '../../../shared/api';
import { tableName } from '../../../shared/config';
import { documentClient } from '../../../shared/dynamo';
import { parse } from '../../../shared/validation';
import { baseDeps } from '../../deps';
import { IdempotencyKeyReusedError } from '../../errors';
import { CreateOrderBody, IdempotencyKey } from '../../schemas';
import { type OrdersDeps, placeOrder } from '../../service';

const carts = cartsStore();
const deps: OrdersDeps = {
  ...baseDeps,
  cartLines: async (userId) => (await carts.get(userId)).map(({ productId, quantity }) => ({ productId, quantity })),
};

/** The same key returns the same order for a day; the same key with another body is refused. */
const idempotency = new IdempotencyConfig({
  eventKeyJmesPath: '[userId, idempotencyKey]',
  payloadValidationJmesPath: 'body',
  expiresAfterSeconds: 24 * 60 * 60,
});

interface PlaceRequest {
  userId: string;
  idempotencyKey: string;
  body: CreateOrderBody;
  correlationId: string;
}

const placeOnce = makeIdempotent(async (request: PlaceRequest) => placeOrder(deps, request), {
  persistenceStore: new DynamoDBPersistenceLayer({
    tableName: tableName('platform'),
    keyAttr: 'pk',
    sortKeyAttr: 'sk',
    staticPkValue: 'IDEMPOTENCY#orders.create',
    expiryAttr: 'expiresAt',
    awsSdkV3Client: documentClient,
  }),
  keyPrefix: 'orders.create',
  config: idempotency,
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A duplicate that arrives while the first is still running waits for its result. */
const placeWithKey = async (request: PlaceRequest) => {
  for (let attempt = 0; ; attempt++) {
    try {
      return await placeOnce(request);
    } catch (error) {
      if (error instanceof IdempotencyValidationError) throw new IdempotencyKeyReusedError();
      if (!(error instanceof IdempotencyAlreadyInProgressError) || attempt >= 50) throw error;
      await sleep(100 + Math.random() * 100);
    }
  }
};

const createOrder = async (request: ApiRequest<CreateOrderBody>) => {
  const { userId } = requirePrincipal(request);
  const rawKey = request.headers['idempotency-key'];
  const input = { userId, body: request.body, correlationId: request.correlationId };
  let order: Awaited<ReturnType<typeof placeOrder>>;
  if (rawKey === undefined) {
    order = await placeOrder(deps, input);
  } else {
    idempotency.registerLambdaContext(request.lambdaContext);
    order = await placeWithKey({ ...input, idempotencyKey: parse(IdempotencyKey, rawKey, 'Idempotency-Key header') });
  }
  return { statusCode: 202, body: order, headers: { Location: `/api/v1/orders/${order.id}` } };
};

export const handler = api(createOrder, { body: CreateOrderBody });
