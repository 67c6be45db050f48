import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import { documentClient, itemReader } from '../../shared/dynamo';
import { catalogTable, productKey, type StartKey } from './keys';

export const PRODUCT_CHANGES = ['created', 'updated', 'deleted'] as const;
export type ProductChange = (typeof PRODUCT_CHANGES)[number];

/**
 * The transactional outbox of ProductChanged: a product write marks the item, in the same write, as having
 * an event to publish; the mark is cleared once the event is on the bus, or republished by the sweeper.
 */
export interface ChangeMark {
  /** Unique per write, so clearing one write's mark never clears a newer write's. */
  id: string;
  /** When the change was made (ISO 8601): the sweeper leaves marks younger than its grace period alone. */
  at: string;
  change: ProductChange;
  correlationId: string;
}

export interface PendingChange {
  productId: string;
  mark: ChangeMark;
}

export interface ChangeOutbox {
  /** Removes the product's change mark if it is still mark `markId`; false if it was gone or newer. */
  clearChangeMark(productId: string, markId: string): Promise<boolean>;
  /** Marked products whose mark was made before `before` (ISO 8601), oldest first. */
  pendingChanges(query: { before: string; limit: number; startKey?: StartKey }): Promise<{
    items: PendingChange[];
    lastKey?: StartKey;
  }>;
}

// The outbox index (sparse): only products with a change not yet on the bus carry these attributes.
const PENDING_CHANGES_INDEX = 'byPendingChange';
const PENDING = 'PENDING';

/** The mark's attributes on the product item: the product writes set them with the product. */
export const markAttributes = (mark: ChangeMark) => ({
  outboxPk: PENDING,
  outboxAt: mark.at,
  outboxId: mark.id,
  outboxChange: mark.change,
  outboxCorrelationId: mark.correlationId,
});
export const MARK_ATTRIBUTE_NAMES = ['outboxPk', 'outboxAt', 'outboxId', 'outboxChange', 'outboxCorrelationId'];

const readPendingItem = itemReader(
  'pending product change',
  z.object({
    id: z.string(),
    outboxId: z.string(),
    outboxAt: z.string(),
    outboxChange: z.enum(PRODUCT_CHANGES),
    outboxCorrelationId: z.string(),
  }),
);

const fromPendingItem = (item: Record<string, unknown>): PendingChange => {
  const pending = readPendingItem(item);
  return {
    productId: pending.id,
    mark: {
      id: pending.outboxId,
      at: pending.outboxAt,
      change: pending.outboxChange,
      correlationId: pending.outboxCorrelationId,
    },
  };
};

export const changeOutbox = (client = documentClient): ChangeOutbox => ({
  async clearChangeMark(productId, markId) {
    try {
      await client.send(
        new UpdateCommand({
          TableName: catalogTable(),
          Key: productKey(productId),
          UpdateExpression: `REMOVE ${MARK_ATTRIBUTE_NAMES.join(', ')}`,
          ConditionExpression: 'outboxId = :id',
          ExpressionAttributeValues: { ':id': markId },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  },

  async pendingChanges({ before, limit, startKey }) {
    const page = await client.send(
      new QueryCommand({
        TableName: catalogTable(),
        IndexName: PENDING_CHANGES_INDEX,
        KeyConditionExpression: 'outboxPk = :pending AND outboxAt < :before',
        ExpressionAttributeValues: { ':pending': PENDING, ':before': before },
        Limit: limit,
        ...(startKey && { ExclusiveStartKey: startKey }),
      }),
    );
    const lastKey = page.LastEvaluatedKey as StartKey | undefined;
    return { items: (page.Items ?? []).map(fromPendingItem), ...(lastKey && { lastKey }) };
  },
});
