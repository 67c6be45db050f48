import { createHash, randomUUID } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { PutCommand, QueryCommand, type QueryCommandInput, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import { platformKeys } from '../../lib/spec/platform';
import { AUDIT_TYPES, type AuditType, type TalliedAuditType } from './audit-types';
import { tableName } from './config';
import { decodeCursor, encodeCursor, keySchema } from './cursor';
import { documentClient, itemReader } from './dynamo';
import { readPage } from './paging';

export { AUDIT_TYPES, type AuditType, TALLIED_AUDIT_TYPES, type TalliedAuditType } from './audit-types';

const auditItem = z.object({
  id: z.string(),
  time: z.string(),
  type: z.enum(AUDIT_TYPES),
  /** The user who acted; absent when nobody could be identified (a failed login for an unknown email). */
  actor: z.optional(z.string()),
  ip: z.string(),
  userAgent: z.string(),
  outcome: z.enum(['success', 'failure']),
  /** Free-form facts: the email tried, the route called, the reason of a failure. Never a secret. */
  detail: z.optional(z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]))),
  requestId: z.optional(z.string()),
  correlationId: z.optional(z.string()),
});
export type AuditRecord = z.infer<typeof auditItem>;
export type AuditOutcome = AuditRecord['outcome'];
export type AuditInput = Omit<AuditRecord, 'id' | 'time'>;
/** A repeatable refusal: counted into its type's record for the client IP and minute (always a failure). */
export type TallyInput = Omit<AuditInput, 'type' | 'outcome'> & { type: TalliedAuditType };

/** A tally as stored: the first request's facts, how many there were and when the last one came. */
const storedItem = z.extend(auditItem, { count: z.optional(z.number()), lastAt: z.optional(z.string()) });
const readItem = itemReader('audit', storedItem);

/** A tally shows its count and last time in its detail; any other record is as it was written. */
const fromItem = (item: Record<string, unknown>): AuditRecord => {
  const { count, lastAt, ...record } = readItem(item);
  if (count === undefined) return record;
  return { ...record, detail: { ...record.detail, count, ...(lastAt && { lastAt }) } };
};

/** Tallies count per minute of the clock. */
export const TALLY_SECONDS = 60;

export interface AuditFilter {
  actor?: string;
  type?: AuditType;
  from?: string;
  to?: string;
  limit: number;
  cursor?: string;
}

const FEED = platformKeys.auditFeed;
const MAX_TIME = '9999-12-31T23:59:59.999Z';

const indexKeys = (record: Pick<AuditRecord, 'id' | 'time' | 'actor'>) => {
  const order = `${record.time}#${record.id}`;
  return {
    gsi1pk: FEED,
    gsi1sk: order,
    ...(record.actor && { gsi2pk: platformKeys.auditByActor(record.actor), gsi2sk: order }),
  };
};

/**
 * The audit log: append-only records in the platform table (a record is only ever created, with a
 * condition that it does not exist), listed newest first, by actor through the second index. The one
 * exception are tallies (`tally`): a refusal anyone can repeat at will is counted into one record per
 * type, client IP and minute, whose first request's facts never change.
 */
export const auditLog = (client = documentClient) => {
  const put = async (record: AuditRecord) => {
    await client.send(
      new PutCommand({
        TableName: tableName('platform'),
        Item: { ...platformKeys.audit(record.id), ...indexKeys(record), ...record },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return record;
  };

  return {
    record: (input: AuditInput, now = new Date()): Promise<AuditRecord> =>
      put({ id: randomUUID(), time: now.toISOString(), ...input }),

    /** The record of `id`, written once however often it is asked for: false when it already exists. */
    async recordOnce(id: string, input: AuditInput, now = new Date()): Promise<boolean> {
      try {
        await put({ id, time: now.toISOString(), ...input });
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        throw error;
      }
    },

    /**
     * Counts one refusal into the record of its type, client IP and minute: one UpdateItem that adds one and
     * sets the first request's facts where the record is new, so concurrent requests neither lose a count nor
     * overwrite each other. Answers the count so far: each request sees a different one.
     */
    async tally(input: TallyInput, now = new Date()): Promise<{ id: string; count: number }> {
      const minute = Math.floor(now.getTime() / (TALLY_SECONDS * 1000)) * TALLY_SECONDS * 1000;
      const id = `tally-${createHash('sha256').update(`${input.type}\n${input.ip}\n${minute}`).digest('hex').slice(0, 32)}`;
      const time = now.toISOString();
      const firstSeen: Record<string, unknown> = {
        id,
        time,
        outcome: 'failure',
        ...input,
        ...indexKeys({ id, time, actor: input.actor }),
      };
      const names: Record<string, string> = { '#count': 'count', '#lastAt': 'lastAt' };
      const values: Record<string, unknown> = { ':one': 1, ':now': time };
      const sets = Object.entries(firstSeen)
        .filter(([, value]) => value !== undefined)
        .map(([name, value], i) => {
          names[`#a${i}`] = name;
          values[`:a${i}`] = value;
          return `#a${i} = if_not_exists(#a${i}, :a${i})`;
        });
      const { Attributes } = await client.send(
        new UpdateCommand({
          TableName: tableName('platform'),
          Key: platformKeys.audit(id),
          UpdateExpression: `SET ${[...sets, '#lastAt = :now'].join(', ')} ADD #count :one`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      return { id, count: Number(Attributes?.count ?? 1) };
    },

    async list(filter: AuditFilter): Promise<{ items: AuditRecord[]; nextCursor: string | null }> {
      const byActor = filter.actor !== undefined;
      const index = byActor ? 'gsi2' : 'gsi1';
      const fingerprint = JSON.stringify([
        filter.actor ?? null,
        filter.type ?? null,
        filter.from ?? null,
        filter.to ?? null,
      ]);
      const schema = keySchema('platform', index);
      const keyNames = Object.keys(schema);
      const { items, lastKey } = await readPage(
        (startKey, limit) => {
          const input: QueryCommandInput = {
            TableName: tableName('platform'),
            IndexName: index,
            KeyConditionExpression: '#p = :p AND #s BETWEEN :from AND :to',
            ExpressionAttributeNames: {
              '#p': byActor ? 'gsi2pk' : 'gsi1pk',
              '#s': byActor ? 'gsi2sk' : 'gsi1sk',
              ...(filter.type && { '#type': 'type' }),
            },
            ExpressionAttributeValues: {
              ':p': filter.actor !== undefined ? platformKeys.auditByActor(filter.actor) : FEED,
              ':from': filter.from ?? '0000',
              // Sort keys are `<time>#<id>`: '~' sorts after '#', so `to` includes its own instant.
              ':to': `${filter.to ?? MAX_TIME}~`,
              ...(filter.type && { ':type': filter.type }),
            },
            ...(filter.type && { FilterExpression: '#type = :type' }),
            ScanIndexForward: false,
            Limit: limit,
            ...(startKey && { ExclusiveStartKey: startKey }),
          };
          return client.send(new QueryCommand(input));
        },
        { limit: filter.limit, startKey: decodeCursor(filter.cursor, fingerprint, schema), keyNames },
      );
      return { items: items.map(fromItem), nextCursor: encodeCursor(lastKey, fingerprint) };
    },
  };
};

export type AuditLog = ReturnType<typeof auditLog>;
