import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  ScanCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import { tableName } from '../shared/config';
import { decodeCursor, encodeCursor, keySchema } from '../shared/cursor';
import { conditionFailed, documentClient, itemReader, transactWithRetry } from '../shared/dynamo';
import type { OwedEvent } from '../shared/outbox';
import { outboxPut } from '../shared/outbox-store';
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
  /** While REQUIRES_ATTENTION: what went wrong, and the status the order had then (an admin's resolve restores it). */
  attention: z.optional(
    z.object({ from: z.enum(ORDER_STATUSES), reason: z.string(), at: z.string(), steps: z.array(z.string()) }),
  ),
  /**
   * The workflow execution that works on the order now: absent, its checkout (named after the order); else one
   * started later to resume, compensate or settle it (reconciler, cancellation, an admin's resolve).
   */
  execution: z.optional(z.string()),
  /** How many such later executions were started (each one's name ends with its number). */
  runs: z.optional(z.number()),
  correlationId: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type OrderRecord = z.infer<typeof orderItem>;

/** What a transition sets besides the status and history. */
export interface TransitionExtra {
  failureReason?: string;
  paymentId?: string;
  /** Set when the order becomes REQUIRES_ATTENTION. */
  attention?: NonNullable<OrderRecord['attention']>;
  /** Forget the attention record (the order leaves REQUIRES_ATTENTION). */
  clearAttention?: boolean;
}

/** A later execution claimed for the order (see `execution`, `runs`). */
export interface RunClaim {
  /** The execution's name. */
  name: string;
  /** The number of runs the order had when it was read: the claim holds only if no one claimed one since. */
  runsBefore: number;
  /** Statuses the order must still be in. */
  statuses: OrderStatus[];
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

const orderKey = (id: string) => ({ pk: `ORDER#${id}`, sk: 'ORDER' });

/** The order after a transition's write, as that write sets it (see `transition`). */
const applied = (order: OrderRecord, entry: HistoryEntry, extra: TransitionExtra): OrderRecord => {
  const { attention: _cleared, ...withoutAttention } = order;
  return {
    ...(extra.clearAttention ? withoutAttention : order),
    status: entry.status,
    history: [...order.history, entry],
    updatedAt: entry.at,
    ...(extra.failureReason && { failureReason: extra.failureReason }),
    ...(extra.paymentId && { paymentId: extra.paymentId }),
    ...(extra.attention && { attention: extra.attention }),
  };
};
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

  const get = async (id: string): Promise<OrderRecord | undefined> => {
    const { Item } = await client.send(new GetCommand({ TableName: table(), Key: orderKey(id), ConsistentRead: true }));
    return Item ? fromItem(Item) : undefined;
  };

  return {
    /**
     * Writes a new order, and the events it owes the bus in its outbox in the same transaction; false (and nothing
     * written) when its id is taken.
     */
    async create(order: OrderRecord, events: OwedEvent[] = []): Promise<boolean> {
      const Item = {
        ...orderKey(order.id),
        ...order,
        gsi1pk: `USER#${order.userId}`,
        gsi1sk: `${order.createdAt}#${order.id}`,
        gsi2pk: `STATUS#${order.status}`,
        gsi2sk: `${order.createdAt}#${order.id}`,
      };
      const ConditionExpression = 'attribute_not_exists(pk)';
      if (events.length === 0) {
        try {
          await client.send(new PutCommand({ TableName: table(), Item, ConditionExpression }));
          return true;
        } catch (error) {
          if (error instanceof ConditionalCheckFailedException) return false;
          throw error;
        }
      }
      return transactWithRetry({
        attempts: 3,
        send: async () => {
          await client.send(
            new TransactWriteCommand({
              TransactItems: [
                { Put: { TableName: table(), Item, ConditionExpression } },
                ...events.map((event) => outboxPut('orders', event)),
              ],
            }),
          );
          return true;
        },
        cancelled: (reasons) => (conditionFailed(reasons[0]) ? { result: false } : undefined),
      });
    },

    get,

    /**
     * Moves the order from one of `from` to `to` and appends the change to its history, in one conditional write
     * (two concurrent changes can never both apply), with the events the change owes the bus put in the outbox in
     * the same transaction. Answers the order as it is now: read again after a transaction (which answers nothing),
     * unless the caller hands the order as it read it (`read`) and needs no more than its fixed fields and what this
     * write set (a saga step answering the status): then that order with the change applied, one read less.
     */
    async transition(
      id: string,
      from: OrderStatus[],
      entry: HistoryEntry,
      extra: TransitionExtra = {},
      events: OwedEvent[] = [],
      read?: OrderRecord,
    ): Promise<OrderRecord> {
      const fromValues = Object.fromEntries(from.map((status, i) => [`:from${i}`, status]));
      const set = [
        '#status = :to',
        'history = list_append(history, :entry)',
        'updatedAt = :at',
        'gsi2pk = :statusKey',
        ...(extra.failureReason ? ['failureReason = :reason'] : []),
        ...(extra.paymentId ? ['paymentId = :payment'] : []),
        ...(extra.attention ? ['attention = :attention'] : []),
      ];
      const update = {
        TableName: table(),
        Key: orderKey(id),
        UpdateExpression: `SET ${set.join(', ')}${extra.clearAttention ? ' REMOVE attention' : ''}`,
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
          ...(extra.attention && { ':attention': extra.attention }),
        },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
      };
      const refused = (item: Record<string, unknown> | undefined) => {
        if (!item) return new OrderNotFoundError(id);
        const status = item.status as { S?: string } | string | undefined;
        return new InvalidTransitionError(id, entry.status, String(typeof status === 'object' ? status.S : status));
      };
      if (events.length === 0) {
        try {
          const { Attributes } = await client.send(new UpdateCommand({ ...update, ReturnValues: 'ALL_NEW' }));
          return fromItem(Attributes ?? {});
        } catch (error) {
          if (error instanceof ConditionalCheckFailedException) throw refused(error.Item);
          throw error;
        }
      }
      const transaction: TransactWriteCommandInput = {
        TransactItems: [{ Update: update }, ...events.map((event) => outboxPut('orders', event))],
      };
      await transactWithRetry({
        attempts: 3,
        send: () => client.send(new TransactWriteCommand(transaction)),
        cancelled: (reasons) => {
          const first = reasons[0];
          if (conditionFailed(first)) throw refused(first?.Item);
          return undefined;
        },
      });
      if (read) return applied(read, entry, extra);
      const updated = await get(id);
      if (!updated) throw new OrderNotFoundError(id);
      return updated;
    },

    /**
     * Claims the order's next later execution (see RunClaim): true if this caller got it, false if the order moved
     * on or someone else claimed one since it was read.
     */
    async claimRun(id: string, claim: RunClaim): Promise<boolean> {
      const statuses = Object.fromEntries(claim.statuses.map((status, i) => [`:s${i}`, status]));
      try {
        await client.send(
          new UpdateCommand({
            TableName: table(),
            Key: orderKey(id),
            UpdateExpression: 'SET runs = :runs, execution = :name',
            ConditionExpression: `${claim.runsBefore === 0 ? 'attribute_not_exists(runs)' : 'runs = :before'} AND #status IN (${Object.keys(statuses).join(', ')})`,
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':runs': claim.runsBefore + 1,
              ':name': claim.name,
              ...(claim.runsBefore > 0 && { ':before': claim.runsBefore }),
              ...statuses,
            },
          }),
        );
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        throw error;
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

    /** PENDING orders placed before `before` (ISO 8601), oldest first (the reconciler's work list). */
    async pendingSince(before: string, limit: number): Promise<OrderRecord[]> {
      const { Items } = await client.send(
        new QueryCommand({
          TableName: table(),
          IndexName: 'gsi2',
          KeyConditionExpression: 'gsi2pk = :p AND gsi2sk < :before',
          ExpressionAttributeValues: { ':p': 'STATUS#PENDING', ':before': before },
          ScanIndexForward: true,
          Limit: limit,
        }),
      );
      return (Items ?? []).map(fromItem);
    },

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
