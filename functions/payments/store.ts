import { createHash } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import { tableName } from '../shared/config';
import { conditionFailed, documentClient, itemReader, transactWithRetry } from '../shared/dynamo';
import type { OwedEvent } from '../shared/outbox';
import { outboxPut } from '../shared/outbox-store';
import { PaymentNotRefundableError } from './errors';
import type { PaymentStatus } from './schemas';

const PAYMENT_STATUSES = ['SUCCEEDED', 'FAILED', 'REFUNDED'] as const satisfies readonly PaymentStatus[];

const paymentItem = z.object({
  paymentId: z.string(),
  orderId: z.string(),
  userId: z.string(),
  amountCents: z.number(),
  currency: z.string(),
  status: z.enum(PAYMENT_STATUSES),
  providerChargeId: z.optional(z.string()),
  failureReason: z.optional(z.string()),
  refundId: z.optional(z.string()),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type PaymentRecord = z.infer<typeof paymentItem>;

/** The fields of an order (owned by the orders context) that paying it needs. */
export interface OrderForPayment {
  id: string;
  userId: string;
  status: string;
  totalCents: number;
  currency: string;
}

/** The payments table's access: the only code that knows its key shapes. */
export interface PaymentsStore {
  get(paymentId: string): Promise<PaymentRecord | undefined>;
  /** The payment of the order's successful charge (SUCCEEDED, or REFUNDED since), read consistently. */
  getCharge(orderId: string): Promise<PaymentRecord | undefined>;
  /**
   * Writes a new payment, and the events it owes the bus in the table's outbox in the same transaction; if its id is
   * taken (a retried write), writes nothing and answers the record stored under it (`created: false`).
   */
  create(record: PaymentRecord, events?: OwedEvent[]): Promise<{ payment: PaymentRecord; created: boolean }>;
  /**
   * SUCCEEDED -> REFUNDED, with the events it owes in the outbox in the same transaction; repeating it with the same
   * refund id is harmless (`changed: false`, nothing written).
   */
  markRefunded(
    paymentId: string,
    refundId: string,
    at: string,
    events?: OwedEvent[],
  ): Promise<{ payment: PaymentRecord; changed: boolean }>;
  /** Every payment of an order, oldest first (an index read: it may trail the latest write briefly). */
  listByOrder(orderId: string): Promise<PaymentRecord[]>;
}

/**
 * An order is charged successfully at most once, so that payment's id follows from the order id:
 * the refund and POST /payments find it with a consistent read (not the lagging index), and a
 * write retried after a crash lands on the same item instead of a second one.
 */
export const chargePaymentId = (orderId: string): string => {
  const hex = createHash('sha256').update(`charge:${orderId}`).digest('hex');
  return `pay_${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
};

const paymentKey = (paymentId: string) => ({ pk: `PAYMENT#${paymentId}`, sk: 'PAYMENT' });
const orderIndexKey = (record: PaymentRecord) => ({
  gsi1pk: `ORDER#${record.orderId}`,
  gsi1sk: `${record.createdAt}#${record.paymentId}`,
});

const fromItem = itemReader('payment', paymentItem);

export const paymentsStore = (client = documentClient): PaymentsStore => {
  const table = () => tableName('payments');

  const get = async (paymentId: string) => {
    const { Item } = await client.send(
      new GetCommand({ TableName: table(), Key: paymentKey(paymentId), ConsistentRead: true }),
    );
    return Item ? fromItem(Item) : undefined;
  };

  return {
    get,

    getCharge: (orderId) => get(chargePaymentId(orderId)),

    async create(record, events = []) {
      const put = {
        TableName: table(),
        Item: { ...paymentKey(record.paymentId), ...orderIndexKey(record), ...record },
        ConditionExpression: 'attribute_not_exists(pk)',
      };
      const stored = async (error: unknown) => {
        const existing = await get(record.paymentId);
        if (!existing) throw error;
        return { payment: existing, created: false };
      };
      if (events.length === 0) {
        try {
          await client.send(new PutCommand(put));
          return { payment: record, created: true };
        } catch (error) {
          if (!(error instanceof ConditionalCheckFailedException)) throw error;
          return stored(error);
        }
      }
      const transaction: TransactWriteCommandInput = {
        TransactItems: [{ Put: put }, ...events.map((event) => outboxPut('payments', event))],
      };
      return transactWithRetry({
        attempts: 3,
        send: async () => {
          await client.send(new TransactWriteCommand(transaction));
          return { payment: record, created: true };
        },
        cancelled: async (reasons, error) =>
          conditionFailed(reasons[0]) ? { result: await stored(error) } : undefined,
      });
    },

    async markRefunded(paymentId, refundId, at, events = []) {
      const update = {
        TableName: table(),
        Key: paymentKey(paymentId),
        UpdateExpression: 'SET #status = :refunded, refundId = :refundId, updatedAt = :at',
        ConditionExpression: 'attribute_exists(pk) AND #status = :succeeded',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':refunded': 'REFUNDED',
          ':succeeded': 'SUCCEEDED',
          ':refundId': refundId,
          ':at': at,
        },
      };
      // Refused: refunded by this very refund already (a retry) is an answer; anything else is not refundable.
      const already = async () => {
        const existing = await get(paymentId);
        if (existing?.status === 'REFUNDED' && existing.refundId === refundId)
          return { payment: existing, changed: false };
        throw new PaymentNotRefundableError(paymentId);
      };
      if (events.length === 0) {
        try {
          const { Attributes } = await client.send(new UpdateCommand({ ...update, ReturnValues: 'ALL_NEW' }));
          return { payment: fromItem(Attributes ?? {}), changed: true };
        } catch (error) {
          if (error instanceof ConditionalCheckFailedException) return already();
          throw error;
        }
      }
      const transaction: TransactWriteCommandInput = {
        TransactItems: [{ Update: update }, ...events.map((event) => outboxPut('payments', event))],
      };
      return transactWithRetry({
        attempts: 3,
        send: async () => {
          await client.send(new TransactWriteCommand(transaction));
          const payment = await get(paymentId);
          if (!payment) throw new PaymentNotRefundableError(paymentId);
          return { payment, changed: true };
        },
        cancelled: async (reasons) => (conditionFailed(reasons[0]) ? { result: await already() } : undefined),
      });
    },

    async listByOrder(orderId) {
      const payments: PaymentRecord[] = [];
      let startKey: Record<string, unknown> | undefined;
      do {
        const page = await client.send(
          new QueryCommand({
            TableName: table(),
            IndexName: 'gsi1',
            KeyConditionExpression: 'gsi1pk = :order',
            ExpressionAttributeValues: { ':order': `ORDER#${orderId}` },
            ...(startKey && { ExclusiveStartKey: startKey }),
          }),
        );
        payments.push(...(page.Items ?? []).map(fromItem));
        startKey = page.LastEvaluatedKey;
      } while (startKey);
      return payments;
    },
  };
};

/** Read-only access to the orders table (the orders context owns it): the order item as it is. */
export const ordersReader = (client = documentClient) => ({
  async get(orderId: string): Promise<OrderForPayment | undefined> {
    const { Item } = await client.send(
      new GetCommand({
        TableName: tableName('orders'),
        Key: { pk: `ORDER#${orderId}`, sk: 'ORDER' },
        // The saga may have just changed the status; an eventually consistent read could miss it.
        ConsistentRead: true,
        ProjectionExpression: 'id, userId, #status, totalCents, currency',
        ExpressionAttributeNames: { '#status': 'status' },
      }),
    );
    if (!Item) return undefined;
    return {
      id: String(Item.id),
      userId: String(Item.userId),
      status: String(Item.status),
      totalCents: Number(Item.totalCents),
      currency: String(Item.currency),
    };
  },
});
export type OrdersReader = ReturnType<typeof ordersReader>;
