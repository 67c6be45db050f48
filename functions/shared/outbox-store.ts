import { DeleteCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import type { TableName } from '../../lib/spec/tables';
import { tableName } from './config';
import { documentClient, itemReader, type TransactWriteItem } from './dynamo';
import type { Outbox, OwedEvent } from './outbox';

/**
 * The outbox's items (outbox.ts) in a context's own table: under `OUTBOX#<shard>`, sorted by `<time>#<event id>`,
 * a few partitions so that no single one takes every event's write. They never expire: each is removed once its
 * event is on the bus.
 */
export const OUTBOX_SHARDS = 4;

const shardOf = (id: string): number => [...id].reduce((sum, ch) => sum + ch.charCodeAt(0), 0) % OUTBOX_SHARDS;
const shardKey = (shard: number) => `OUTBOX#${shard}`;
const outboxKey = (event: OwedEvent) => ({ pk: shardKey(shardOf(event.id)), sk: `${event.at}#${event.id}` });

/** The write that puts the event in the outbox of `table`, for the transaction of the change it reports. */
export const outboxPut = (table: TableName, event: OwedEvent): TransactWriteItem => ({
  Put: { TableName: tableName(table), Item: { ...outboxKey(event), event: JSON.stringify(event) } },
});

const readItem = itemReader('outbox event', z.object({ event: z.string() }));

/** The outbox of one context's table. */
export const dynamoOutbox = (table: TableName, client = documentClient): Outbox => ({
  async remove(events) {
    await Promise.all(
      events.map((event) => client.send(new DeleteCommand({ TableName: tableName(table), Key: outboxKey(event) }))),
    );
  },

  async owedBefore(before, limit) {
    const perShard = Math.max(1, Math.ceil(limit / OUTBOX_SHARDS));
    const pages = await Promise.all(
      Array.from({ length: OUTBOX_SHARDS }, (_, shard) =>
        client.send(
          new QueryCommand({
            TableName: tableName(table),
            KeyConditionExpression: 'pk = :pk AND sk < :before',
            ExpressionAttributeValues: { ':pk': shardKey(shard), ':before': before },
            ConsistentRead: true,
            Limit: perShard,
          }),
        ),
      ),
    );
    return pages
      .flatMap((page) => (page.Items ?? []).map((item) => JSON.parse(readItem(item).event) as OwedEvent))
      .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  },
});
