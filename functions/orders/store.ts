import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  ScanCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import { tableName } from '../shared/config';
import { decodeCursor, encodeCursor, keySchema } from '../shared/cursor';
import { documentClient, itemReader } from '../shared/dynamo';
import { readPage } from '../shared/paging';
import { InvalidTransitionError, OrderNotFoundError } from './errors';
import { ORDER_STATUSES, type OrderStatus, type PaymentMethod, type ShippingAddress } from './schemas';

const orderLine = z.object({
  productId: z.string(),
  sku: z.string(),
  name: z.string(),
  quantity: z.number(),
  unitPriceCents: z.number(),
  lineTotalCents: z.number(),
});
export type OrderLine = z.infer<typeof orderLine>;

const historyEntry = z.object({
  status: z.enum(ORDER_STATUSES),
  at: z.string(),
  reason: z.optional(z.string()),
  by: z.optional(z.string()),
});
export type HistoryEntry = z.infer<typeof historyEntry>;

// The stored shapes of ShippingAddress and PaymentMethod: the request schemas' fields without their input rules, so
// an order placed under older rules stays readable.
const shippingAddress = z.object({
  name: z.string(),
  line1: z.string(),
  line2: z.optional(z.string()),
  city: z.string(),
  postalCode: z.string(),
  country: z.string(),
});
const paymentMethod = z.object({ type: z.literal('card'), token: z.string() });

/** True when A and B have the same fields, optional ones included (a field missing here would be dropped on read). */
type SameFields<A, B> = [A, keyof A] extends [B, keyof B] ? ([B, keyof B] extends [A, keyof A] ? true : false) : false;
const storedAsTaken: [
  SameFields<z.infer<typeof shippingAddress>, ShippingAddress>,
  SameFields<z.infer<typeof paymentMethod>, PaymentMethod>,
] = [true, true];
void storedAsTaken;

const orderItem = z.object({
  id: z.string(),
  userId: z.string(),
  status: z.enum(ORDER_STATUSES),
  lines: z.array(orderLine),
  currency: z.string(),
  totalCents: z.number(),
  shippingAddress,
  paymentMethod,
  history: z.array(historyEntry),
  failureReason: z.optional(z.string()),
  /** The payment that paid for it, once confirmed. */
  paymentId: z.optional(z.string()),
  /** Placed with an Idempotency-Key: the hash of the request it was placed with (the id derives from the key). */
  requestHash: z.optional(z.string()),
  /**
   * The event that the last saga transition owes the bus, written with the transition and removed once
   * published: a step retried after its write (a timeout, a crash) publishes what is still owed.
   */
  pendingEvent: z.optional(z.string()),
  correlationId: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type OrderRecord = z.infer<typeof orderItem>;

/** What a transition sets besides the status and history. */
export interface TransitionExtra {
  failureReason?: string;
  paymentId?: string;
  /** The detail-type owed to the bus once the transition is written (see `pendingEvent`). */
  pendingEvent?: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

const orderKey = (id: string) => ({ pk: `ORDER#${id}`, sk: 'ORDER' });
const fromItem = itemReader('order', orderItem);

/** The orders table: the only code that knows its keys. Every status change is conditional. */
export const ordersStore = (client = documentClient) => {
  const table = () => tableName('orders');

  const query = async (
    input: Omit<QueryCommandInput, 'TableName'>,
    limit: number,
    cursor: string | undefined,
    fingerprint: string,
  ) => {
    const index = input.IndexName ?? 'table';
    const schema = keySchema('orders', index === 'gsi1' ? 'gsi1' : 'gsi2');
    const keyNames = Object.keys(schema);
    const { items, lastKey } = await readPage(
      (startKey, pageLimit) =>
        client.send(
          new QueryCommand({
            ...input,
            TableName: table(),
            ScanIndexForward: false,
            Limit: pageLimit,
            ...(startKey && { ExclusiveStartKey: startKey }),
          }),
        ),
      { limit, startKey: decodeCursor(cursor, fingerprint, schema), keyNames },
    );
    return { items: items.map(fromItem), nextCursor: encodeCursor(lastKey, fingerprint) };
  };

  return {
    /** Writes a new order; false (and nothing written) when its id is taken. */
    async create(order: OrderRecord): Promise<boolean> {
      try {
        await client.send(
          new PutCommand({
            TableName: table(),
            Item: {
              ...orderKey(order.id),
              ...order,
              gsi1pk: `USER#${order.userId}`,
              gsi1sk: `${order.createdAt}#${order.id}`,
              gsi2pk: `STATUS#${order.status}`,
              gsi2sk: `${order.createdAt}#${order.id}`,
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        throw error;
      }
    },

    async get(id: string): Promise<OrderRecord | undefined> {
      const { Item } = await client.send(
        new GetCommand({ TableName: table(), Key: orderKey(id), ConsistentRead: true }),
      );
      return Item ? fromItem(Item) : undefined;
    },

    /**
     * Moves the order from one of `from` to `to` and appends the change to its history, in one
     * conditional write: two concurrent changes can never both apply.
     */
    async transition(
      id: string,
      from: OrderStatus[],
      entry: HistoryEntry,
      extra: TransitionExtra = {},
    ): Promise<OrderRecord> {
      const fromValues = Object.fromEntries(from.map((status, i) => [`:from${i}`, status]));
      try {
        const { Attributes } = await client.send(
          new UpdateCommand({
            TableName: table(),
            Key: orderKey(id),
            UpdateExpression: `SET #status = :to, history = list_append(history, :entry), updatedAt = :at, gsi2pk = :statusKey${
              extra.failureReason ? ', failureReason = :reason' : ''
            }${extra.paymentId ? ', paymentId = :payment' : ''}${extra.pendingEvent ? ', pendingEvent = :pending' : ''}`,
            ConditionExpression: `attribute_exists(pk) AND #status IN (${Object.keys(fromValues).join(', ')})`,
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':to': entry.status,
              ':entry': [entry],
              ':at': entry.at,
              ':statusKey': `STATUS#${entry.status}`,
              ...fromValues,
              ...(extra.failureReason && { ':reason': extra.failureReason }),
              ...(extra.paymentId && { ':payment': extra.paymentId }),
              ...(extra.pendingEvent && { ':pending': extra.pendingEvent }),
            },
            ReturnValues: 'ALL_NEW',
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        );
        return fromItem(Attributes ?? {});
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) {
          if (!error.Item) throw new OrderNotFoundError(id);
          throw new InvalidTransitionError(id, entry.status, String(error.Item.status?.S ?? error.Item.status));
        }
        throw error;
      }
    },

    /** The event is on the bus: forgets that it is owed (unless another one is owed by now). */
    async clearPendingEvent(id: string, detailType: string): Promise<void> {
      try {
        await client.send(
          new UpdateCommand({
            TableName: table(),
            Key: orderKey(id),
            UpdateExpression: 'REMOVE pendingEvent',
            ConditionExpression: 'pendingEvent = :type',
            ExpressionAttributeValues: { ':type': detailType },
          }),
        );
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    },

    /** A user's orders, newest first. */
    listByUser: (userId: string, limit: number, cursor?: string): Promise<Page<OrderRecord>> =>
      query(
        {
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :p',
          ExpressionAttributeValues: { ':p': `USER#${userId}` },
        },
        limit,
        cursor,
        `user:${userId}`,
      ),

    /** Orders in one status, newest first. */
    listByStatus: (status: OrderStatus, limit: number, cursor?: string): Promise<Page<OrderRecord>> =>
      query(
        {
          IndexName: 'gsi2',
          KeyConditionExpression: 'gsi2pk = :p',
          ExpressionAttributeValues: { ':p': `STATUS#${status}` },
        },
        limit,
        cursor,
        `status:${status}`,
      ),

    /** Every order (admin, no status filter): a paginated scan of order items. */
    async listAll(limit: number, cursor?: string): Promise<Page<OrderRecord>> {
      const schema = keySchema('orders');
      const keyNames = Object.keys(schema);
      const { items, lastKey } = await readPage(
        (startKey, pageLimit) =>
          client.send(
            new ScanCommand({
              TableName: table(),
              FilterExpression: 'sk = :order',
              ExpressionAttributeValues: { ':order': 'ORDER' },
              Limit: pageLimit,
              ...(startKey && { ExclusiveStartKey: startKey }),
            }),
          ),
        { limit, startKey: decodeCursor(cursor, 'all', schema), keyNames },
      );
      return { items: items.map(fromItem), nextCursor: encodeCursor(lastKey, 'all') };
    },
  };
};

export type OrdersStore = ReturnType<typeof ordersStore>;
