import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { platformKeys } from '../../lib/spec/platform';
import type { RateLimit } from '../../lib/spec/rate-limits';
import { tableName } from './config';
import { documentClient } from './dynamo';

export interface RateLimitState {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the current window ends and the count starts again. */
  resetSeconds: number;
}

const windowOf = (rule: RateLimit, now: Date) => {
  const windowMs = rule.windowSeconds * 1000;
  const start = Math.floor(now.getTime() / windowMs) * windowMs;
  return { start, resetSeconds: Math.max(1, Math.ceil((start + windowMs - now.getTime()) / 1000)) };
};

const stateOf = (rule: RateLimit, count: number, resetSeconds: number): RateLimitState => ({
  allowed: count <= rule.limit,
  limit: rule.limit,
  remaining: Math.max(0, rule.limit - count),
  resetSeconds,
});

/**
 * Fixed-window counters in the platform table, one item per key and window: an atomic ADD counts,
 * DynamoDB's TTL removes the item once its window is over.
 */
export const rateLimiter = (client = documentClient) => {
  const key = platformKeys.rateWindow;

  /** Adds one to the window's count (only while it is under the limit, when `underLimit`): the new count. */
  const addOne = async (name: string, rule: RateLimit, start: number, underLimit: boolean) => {
    const { Attributes } = await client.send(
      new UpdateCommand({
        TableName: tableName('platform'),
        Key: key(name, start),
        UpdateExpression: 'ADD #count :one SET expiresAt = if_not_exists(expiresAt, :expires)',
        ...(underLimit && { ConditionExpression: 'attribute_not_exists(#count) OR #count < :limit' }),
        ExpressionAttributeNames: { '#count': 'count' },
        ExpressionAttributeValues: {
          ':one': 1,
          ':expires': Math.ceil(start / 1000) + rule.windowSeconds + 60,
          ...(underLimit && { ':limit': rule.limit }),
        },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return Number(Attributes?.count ?? 1);
  };

  return {
    /** Counts one request against `name` and says whether it is within the limit. */
    async hit(name: string, rule: RateLimit, now = new Date()): Promise<RateLimitState> {
      const { start, resetSeconds } = windowOf(rule, now);
      return stateOf(rule, await addOne(name, rule, start, false), resetSeconds);
    },

    /**
     * Takes one of the window's `rule.limit` slots atomically, or none when all are taken: a conditional ADD,
     * so however many callers race, at most `rule.limit` are allowed per window. A refused take counts nothing.
     */
    async take(name: string, rule: RateLimit, now = new Date()): Promise<RateLimitState> {
      const { start, resetSeconds } = windowOf(rule, now);
      try {
        return stateOf(rule, await addOne(name, rule, start, true), resetSeconds);
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return stateOf(rule, rule.limit + 1, resetSeconds);
        throw error;
      }
    },

    /** Gives back a slot `take` took in the window of `now` (pass the same `now`). */
    async refund(name: string, rule: RateLimit, now = new Date()): Promise<void> {
      const { start } = windowOf(rule, now);
      await client
        .send(
          new UpdateCommand({
            TableName: tableName('platform'),
            Key: key(name, start),
            UpdateExpression: 'ADD #count :minusOne',
            ConditionExpression: '#count > :zero',
            ExpressionAttributeNames: { '#count': 'count' },
            ExpressionAttributeValues: { ':minusOne': -1, ':zero': 0 },
          }),
        )
        .catch((error: unknown) => {
          if (!(error instanceof ConditionalCheckFailedException)) throw error;
        });
    },

    /**
     * The state without counting: whether one more request would still be allowed. For tests and operators: no
     * function calls it, and none is granted its read (lib/spec/platform.ts).
     */
    async peek(name: string, rule: RateLimit, now = new Date()): Promise<RateLimitState> {
      const { start, resetSeconds } = windowOf(rule, now);
      const { Item } = await client.send(
        new GetCommand({ TableName: tableName('platform'), Key: key(name, start), ConsistentRead: true }),
      );
      const count = Number(Item?.count ?? 0);
      return { ...stateOf(rule, count + 1, resetSeconds), remaining: Math.max(0, rule.limit - count) };
    },
  };
};

export type RateLimiter = ReturnType<typeof rateLimiter>;
