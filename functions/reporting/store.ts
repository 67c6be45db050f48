import { QueryCommand, type QueryCommandOutput, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { platformKeys } from '../../lib/spec/platform';
import { tableName } from '../shared/config';
import { conditionFailed, documentClient, transactWithRetry } from '../shared/dynamo';

export type Counter = 'ordersPlaced' | 'ordersConfirmed' | 'ordersFailed' | 'ordersCancelled';
export const COUNTERS: readonly Counter[] = ['ordersPlaced', 'ordersConfirmed', 'ordersFailed', 'ordersCancelled'];

/** What one event adds to its day. */
export interface DayIncrement {
  /** `YYYY-MM-DD`, UTC. */
  day: string;
  counts: Partial<Record<Counter, number>>;
  /** Revenue moved, in cents of `currency` (negative for a refunded sale). */
  revenue?: { currency: string; cents: number };
  /** A failed order's reason, as a counter key (SNAKE_CASE). */
  failedReason?: string;
}

/** One day's counters as stored. */
export interface DayCounters {
  date: string;
  counts: Record<Counter, number>;
  revenueCents: Record<string, number>;
  failedByReason: Record<string, number>;
}

const DAILY = platformKeys.reportDays;
const dayKey = platformKeys.reportDay;
/**
 * The proof an event was counted, in the counters' own partitions (`REPORT#...`), so that counting needs no
 * write to the event journal's (`EVENT#...`).
 */
const countedKey = platformKeys.reportCounted;
const REVENUE_PREFIX = 'revenueCents#';
const FAILED_PREFIX = 'failed#';

const MAX_ATTEMPTS = 8;

const fromItem = (item: Record<string, unknown>): DayCounters => {
  const revenueCents: Record<string, number> = {};
  const failedByReason: Record<string, number> = {};
  for (const [name, value] of Object.entries(item)) {
    if (name.startsWith(REVENUE_PREFIX)) revenueCents[name.slice(REVENUE_PREFIX.length)] = Number(value);
    if (name.startsWith(FAILED_PREFIX)) failedByReason[name.slice(FAILED_PREFIX.length)] = Number(value);
  }
  return {
    date: String(item.date),
    counts: Object.fromEntries(COUNTERS.map((counter) => [counter, Number(item[counter] ?? 0)])) as Record<
      Counter,
      number
    >,
    revenueCents,
    failedByReason,
  };
};

/** The daily order counters in the platform table: one item per UTC day, and one marker per counted event. */
export const reportingStore = (client = documentClient) => {
  const table = () => tableName('platform');
  return {
    /**
     * Adds the increment to its day, once per event id: the event's marker (a conditional put) and the day's
     * ADD go in one transaction, so a redelivered event finds its marker and changes nothing. 'duplicate' then.
     */
    async count(eventId: string, increment: DayIncrement, markerExpiresAt: number): Promise<'counted' | 'duplicate'> {
      const adds: [string, number][] = [
        ...Object.entries(increment.counts),
        ...(increment.revenue ? [[`${REVENUE_PREFIX}${increment.revenue.currency}`, increment.revenue.cents]] : []),
        ...(increment.failedReason ? [[`${FAILED_PREFIX}${increment.failedReason}`, 1]] : []),
      ].filter((entry): entry is [string, number] => typeof entry[1] === 'number' && entry[1] !== 0);
      const update =
        adds.length > 0
          ? `SET #date = :date ADD ${adds.map((_, i) => `#a${i} :a${i}`).join(', ')}`
          : 'SET #date = :date';
      const TransactItems = [
        {
          Put: {
            TableName: table(),
            Item: { ...countedKey(eventId), day: increment.day, expiresAt: markerExpiresAt },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        {
          Update: {
            TableName: table(),
            Key: dayKey(increment.day),
            UpdateExpression: update,
            ExpressionAttributeNames: {
              '#date': 'date',
              ...Object.fromEntries(adds.map(([name], i) => [`#a${i}`, name])),
            },
            ExpressionAttributeValues: {
              ':date': increment.day,
              ...Object.fromEntries(adds.map(([, value], i) => [`:a${i}`, value])),
            },
          },
        },
      ];
      // Every order event of a day updates that day's item: concurrent transactions on it conflict, and retry.
      return transactWithRetry<'counted' | 'duplicate'>({
        attempts: MAX_ATTEMPTS,
        retryInProgress: true,
        send: async () => {
          await client.send(new TransactWriteCommand({ TransactItems }));
          return 'counted';
        },
        cancelled: (reasons) => (conditionFailed(reasons[0]) ? { result: 'duplicate' } : undefined),
        exhausted: () => new Error(`Event ${eventId} not counted: its day's counters stayed busy`),
      });
    },

    /** The counters of the days from `from` to `to` (inclusive, `YYYY-MM-DD`) that have any: one query. */
    async days(from: string, to: string): Promise<DayCounters[]> {
      const found: DayCounters[] = [];
      let startKey: Record<string, unknown> | undefined;
      do {
        const page: QueryCommandOutput = await client.send(
          new QueryCommand({
            TableName: table(),
            KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
            ExpressionAttributeValues: { ':pk': DAILY, ':from': dayKey(from).sk, ':to': dayKey(to).sk },
            ...(startKey && { ExclusiveStartKey: startKey }),
          }),
        );
        found.push(...(page.Items ?? []).map(fromItem));
        startKey = page.LastEvaluatedKey;
      } while (startKey);
      return found;
    },
  };
};

export type ReportingStore = ReturnType<typeof reportingStore>;
