import { randomUUID } from 'node:crypto';
import { PutCommand, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import { AUDIT_TYPES, type AuditType } from './audit-types';
import { tableName } from './config';
import { decodeCursor, encodeCursor, keySchema } from './cursor';
import { documentClient, itemReader } from './dynamo';
import { readPage } from './paging';

export { AUDIT_TYPES, type AuditType } from './audit-types';

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

const fromItem = itemReader('audit', auditItem);

export interface AuditFilter {
  actor?: string;
  type?: AuditType;
  from?: string;
  to?: string;
  limit: number;
  cursor?: string;
}

const FEED = 'AUDIT';
const MAX_TIME = '9999-12-31T23:59:59.999Z';

/**
 * The audit log: append-only records in the platform table (a record is only ever created, with a
 * condition that it does not exist), listed newest first, by actor through the second index.
 */
export const auditLog = (client = documentClient) => ({
  async record(input: AuditInput, now = new Date()): Promise<AuditRecord> {
    const record: AuditRecord = { id: randomUUID(), time: now.toISOString(), ...input };
    const order = `${record.time}#${record.id}`;
    await client.send(
      new PutCommand({
        TableName: tableName('platform'),
        Item: {
          pk: `AUDIT#${record.id}`,
          sk: 'AUDIT',
          gsi1pk: FEED,
          gsi1sk: order,
          ...(record.actor && { gsi2pk: `AUDIT#ACTOR#${record.actor}`, gsi2sk: order }),
          ...record,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return record;
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
            ':p': byActor ? `AUDIT#ACTOR#${filter.actor}` : FEED,
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
});

export type AuditLog = ReturnType<typeof auditLog>;
