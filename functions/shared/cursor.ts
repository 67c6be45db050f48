import { type TableName, tables } from '../../lib/spec/tables';
import { BadRequestError } from './errors';

type Key = Record<string, string | number>;

/** The attributes of an ExclusiveStartKey and their DynamoDB types: the table's keys plus the queried index's. */
export type KeySchema = Readonly<Record<string, 'S' | 'N'>>;

/** DynamoDB's limit on a sort key attribute (a partition key's is 2048); a cursor's values keep to the lower one. */
export const MAX_KEY_BYTES = 1024;

export const invalidCursor = () =>
  new BadRequestError('INVALID_CURSOR', 'The cursor is invalid or belongs to another query');

/** The key schema of `table` (lib/spec/tables.ts), with the key attributes of `index` when a query reads one. */
export const keySchema = (table: TableName, index?: string): KeySchema => {
  const spec = tables[table];
  const indexSpec = index === undefined ? undefined : spec.indexes.find((candidate) => candidate.name === index);
  if (index !== undefined && !indexSpec) throw new Error(`Table ${table} has no index ${index}`);
  const attributes = [spec.partitionKey, spec.sortKey, indexSpec?.partitionKey, indexSpec?.sortKey];
  return Object.fromEntries(attributes.flatMap((attribute) => (attribute ? [[attribute.name, attribute.type]] : [])));
};

const validValue = (value: unknown, type: 'S' | 'N'): boolean =>
  type === 'S'
    ? typeof value === 'string' && value.length > 0 && Buffer.byteLength(value, 'utf8') <= MAX_KEY_BYTES
    : typeof value === 'number' && Number.isFinite(value);

/**
 * Opaque pagination cursor: DynamoDB's LastEvaluatedKey plus a fingerprint of the query it
 * continues, so a cursor cannot be replayed against different filters or sort order.
 */
export const encodeCursor = (key: Record<string, unknown> | undefined, query: string): string | null =>
  key ? Buffer.from(JSON.stringify({ k: key, q: query })).toString('base64url') : null;

/**
 * The start key a cursor carries, checked against `schema`: exactly its attributes, each of its type, strings
 * non-empty and at most MAX_KEY_BYTES. Anything else (forged, truncated, another query's) is 400 INVALID_CURSOR.
 */
export const decodeCursor = (cursor: string | undefined, query: string, schema: KeySchema): Key | undefined => {
  if (cursor === undefined) return undefined;
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  if (typeof decoded !== 'object' || decoded === null || Array.isArray(decoded)) throw invalidCursor();
  const { k, q } = decoded as { k?: unknown; q?: unknown };
  if (q !== query || typeof k !== 'object' || k === null || Array.isArray(k)) throw invalidCursor();
  const entries = Object.entries(k);
  const names = Object.keys(schema);
  const valid =
    entries.length === names.length &&
    entries.every(([name, value]) => Object.hasOwn(schema, name) && validValue(value, schema[name] as 'S' | 'N'));
  if (!valid) throw invalidCursor();
  return Object.fromEntries(entries) as Key;
};
