import { randomUUID } from 'node:crypto';
import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { EventBridgeEvent } from 'aws-lambda';
import { createBulkCustomers } from '../support/bulk-customers';
import { call, callEndpoint, loginAdmin } from './http';
import { functionEnvironment, has, tableName } from './target';

/** Customers in bulk for concurrency tests (see createBulkCustomers: no bcrypt per customer). */
export const createCustomers = async (count: number) => {
  Object.assign(process.env, functionEnvironment());
  return createBulkCustomers(count);
};

let adminToken: string | undefined;
export const admin = async () => {
  adminToken ??= await loginAdmin();
  return adminToken;
};

export const setStock = async (sku: string, available: number) => {
  const reply = await call(`/api/v1/inventory/${sku}`, { method: 'PUT', token: await admin(), json: { available } });
  if (reply.status !== 200) throw new Error(`set stock failed: ${reply.status} ${JSON.stringify(reply.body)}`);
};

export const stockOf = async (sku: string) =>
  (await call<{ sku: string; available: number; reserved: number }>(`/api/v1/inventory/${sku}`)).body;

export const address = {
  name: 'Sam Shopper',
  line1: '1 Main Street',
  city: 'Springfield',
  postalCode: '12345',
  country: 'US',
};

export const addToCart = async (userId: string, token: string, productId: string, quantity = 1) => {
  const reply = await call(`/api/v1/cart/${userId}/items`, { method: 'POST', token, json: { productId, quantity } });
  if (reply.status !== 200 && reply.status !== 201) {
    throw new Error(`add to cart failed: ${reply.status} ${JSON.stringify(reply.body)}`);
  }
};

export interface OrderView {
  id: string;
  userId: string;
  status: string;
  total: number;
  currency: string;
  items: { productId: string; sku: string; quantity: number; price: number }[];
  history: { status: string; at: string; reason?: string }[];
  failureReason?: string;
  paymentId?: string;
}

export const placeOrder = (token: string, cardToken = 'tok_visa', headers: Record<string, string> = {}) =>
  call<OrderView>('/api/v1/orders', {
    method: 'POST',
    token,
    headers,
    json: { shippingAddress: address, paymentMethod: { type: 'card', token: cardToken } },
  });

/** Polls the order until the saga has settled it (or the time is up). */
export const settled = async (orderId: string, token: string, timeoutMs = 60_000): Promise<OrderView> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { status, body } = await call<OrderView>(`/api/v1/orders/${orderId}`, { token });
    if (status !== 200) throw new Error(`GET order ${orderId} answered ${status}: ${JSON.stringify(body)}`);
    if (body.status !== 'PENDING') return body;
    if (Date.now() > deadline) throw new Error(`order ${orderId} still PENDING`);
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
};

export const eventually = async <T>(probe: () => Promise<T | undefined | false>, timeoutMs = 15_000): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
};

/** An event as EventBridge hands it to a Lambda target (time in whole seconds, as EventBridge writes it). */
export const busEvent = <D extends string, T>(detailType: D, context: string, detail: T): EventBridgeEvent<D, T> => ({
  version: '0',
  id: randomUUID(),
  'detail-type': detailType,
  source: `shop.${context}`,
  account: '000000000000',
  time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
  region: 'us-east-1',
  resources: [],
  detail,
});

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Resolves once the bus has finished every delivery it had started (none running, none waiting for a retry),
 * so that a test may then check that something did not happen: no duplicate, no stray event. The sandbox
 * counts them at /_aws/stats (capability `stats`); LocalStack and AWS count no such thing, so there it waits
 * `elsewhereMs`.
 */
export const busSettled = async (timeoutMs = 30_000, elsewhereMs = 1500): Promise<void> => {
  if (!has('stats')) {
    await sleep(elsewhereMs);
    return;
  }
  const pending = async () => (await callEndpoint<{ events: { pending: number } }>('/_aws/stats')).body.events.pending;
  await eventually(async () => (await pending()) === 0, timeoutMs);
};

/**
 * The events the EventJournal rule kept (every event on the bus), read from the platform table: those
 * of the given days (UTC) that match `filter`, a FilterExpression with its values.
 */
export const journalEvents = async <T>(
  dynamo: DynamoDBDocumentClient,
  filter: { expression: string; values: Record<string, unknown> },
  days: Date[] = [new Date()],
): Promise<T[]> => {
  const found: T[] = [];
  for (const day of new Set(days.map((d) => d.toISOString().slice(0, 10)))) {
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await dynamo.send(
        new QueryCommand({
          TableName: tableName('platform'),
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :day',
          FilterExpression: filter.expression,
          ExpressionAttributeValues: { ':day': `EVENTS#${day}`, ...filter.values },
          ...(startKey && { ExclusiveStartKey: startKey }),
        }),
      );
      found.push(...((page.Items ?? []) as T[]));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
  }
  return found;
};
