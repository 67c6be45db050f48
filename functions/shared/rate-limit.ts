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

const stateOf = (rule: RateLimit, count: number, windowStart: number, now: Date): RateLimitState => ({
  allowed: count <= rule.limit,
  limit: rule.limit,
  remaining: Math.max(0, rule.limit - count),
  resetSeconds: Math.min(
    rule.windowSeconds,
    Math.max(1, Math.ceil((windowStart + rule.windowSeconds * 1000 - now.getTime()) / 1000)),
  ),
});

/** A window that opened after this instant is still open at `now`. */
const openSince = (rule: RateLimit, now: Date) => now.getTime() - rule.windowSeconds * 1000;

/**
 * Counters in the platform table, one item per key. A window opens with the first request counted after the
 * last one closed and lasts `windowSeconds` from it, so that a limit reached holds for a whole window whenever
 * it began (a window aligned on the clock would end a lockout at the next quarter hour, and let twice the limit
 * through on either side of that instant). Within a window an atomic ADD counts; DynamoDB's TTL removes the item
 * once its window is over.
 */
export const rateLimiter = (client = documentClient) => {
  const key = platformKeys.rateWindow;

  /** Counts one request (only while under the limit, when `underLimit`) in the open window, opening one if none is. */
  const count = async (name: string, rule: RateLimit, now: Date, underLimit: boolean): Promise<RateLimitState> => {
    const since = openSince(rule, now);
    // A window opened by another request in between is counted in on the next turn: three at most.
    for (let turn = 0; turn < 3; turn++) {
      try {
        const { Attributes } = await client.send(
          new UpdateCommand({
            TableName: tableName('platform'),
            Key: key(name),
            UpdateExpression: 'ADD #count :one',
            ConditionExpression: `windowStart > :since${underLimit ? ' AND #count < :limit' : ''}`,
            ExpressionAttributeNames: { '#count': 'count' },
            ExpressionAttributeValues: { ':one': 1, ':since': since, ...(underLimit && { ':limit': rule.limit }) },
            ReturnValues: 'ALL_NEW',
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        );
        return stateOf(rule, Number(Attributes?.count), Number(Attributes?.windowStart), now);
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
        const windowStart = Number(error.Item?.windowStart?.N);
        // Open, so the limit was reached.
        if (windowStart > since) return stateOf(rule, rule.limit + 1, windowStart, now);
      }
      try {
        await client.send(
          new UpdateCommand({
            TableName: tableName('platform'),
            Key: key(name),
            UpdateExpression: 'SET #count = :one, windowStart = :now, expiresAt = :expires',
            ConditionExpression: 'attribute_not_exists(windowStart) OR windowStart <= :since',
            ExpressionAttributeNames: { '#count': 'count' },
            ExpressionAttributeValues: {
              ':one': 1,
              ':now': now.getTime(),
              ':since': since,
              ':expires': Math.ceil(now.getTime() / 1000) + rule.windowSeconds + 60,
            },
          }),
        );
        return stateOf(rule, 1, now.getTime(), now);
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    }
    throw new Error(`The rate-limit counter ${name} kept changing`);
  };

  return {
    /** Counts one request against `name` and says whether it is within the limit. */
    hit: (name: string, rule: RateLimit, now = new Date()) => count(name, rule, now, false),

    /**
     * Takes one of the window's `rule.limit` slots atomically, or none when all are taken: a conditional ADD,
     * so however many callers race, at most `rule.limit` are allowed per window. A refused take counts nothing.
     */
    take: (name: string, rule: RateLimit, now = new Date()) => count(name, rule, now, true),

    /** Gives back a slot `take` took in the window open at `now` (pass the same `now`). */
    async refund(name: string, rule: RateLimit, now = new Date()): Promise<void> {
      await client
        .send(
          new UpdateCommand({
            TableName: tableName('platform'),
            Key: key(name),
            UpdateExpression: 'ADD #count :minusOne',
            ConditionExpression: '#count > :zero AND windowStart > :since AND windowStart <= :now',
            ExpressionAttributeNames: { '#count': 'count' },
            ExpressionAttributeValues: {
              ':minusOne': -1,
              ':zero': 0,
              ':since': openSince(rule, now),
              ':now': now.getTime(),
            },
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
      const { Item } = await client.send(
        new GetCommand({ TableName: tableName('platform'), Key: key(name), ConsistentRead: true }),
      );
      const open = Item && Number(Item.windowStart) > openSince(rule, now);
      const count = open ? Number(Item.count) : 0;
      const windowStart = open ? Number(Item.windowStart) : now.getTime();
      return { ...stateOf(rule, count + 1, windowStart, now), remaining: Math.max(0, rule.limit - count) };
    },
  };
};

export type RateLimiter = ReturnType<typeof rateLimiter>;
