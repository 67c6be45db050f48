import { BadRequestError } from './errors';

type Key = Record<string, string | number>;

const invalid = () => new BadRequestError('INVALID_CURSOR', 'The cursor is invalid or belongs to another query');

/**
 * Opaque pagination cursor: DynamoDB's LastEvaluatedKey plus a fingerprint of the query it
 * continues, so a cursor cannot be replayed against different filters or sort order.
 */
export const encodeCursor = (key: Record<string, unknown> | undefined, query: string): string | null =>
  key ? Buffer.from(JSON.stringify({ k: key, q: query })).toString('base64url') : null;

export const decodeCursor = (cursor: string | undefined, query: string, keyNames: string[]): Key | undefined => {
  if (cursor === undefined) return undefined;
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (typeof decoded !== 'object' || decoded === null) throw invalid();
  const { k, q } = decoded as { k?: unknown; q?: unknown };
  if (q !== query || typeof k !== 'object' || k === null) throw invalid();
  const entries = Object.entries(k);
  const valid =
    entries.length === keyNames.length &&
    entries.every(
      ([name, value]) => keyNames.includes(name) && (typeof value === 'string' || typeof value === 'number'),
    );
  if (!valid) throw invalid();
  return k as Key;
};
