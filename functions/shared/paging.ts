import { invalidCursor } from './cursor';

/** A DynamoDB item or key, as the document client gives it. */
type Item = Record<string, unknown>;

/** One read of a query or scan: at most `limit` items from `startKey` on. */
export type PageRead = (
  startKey: Item | undefined,
  limit: number,
) => Promise<{ Items?: Item[]; LastEvaluatedKey?: Item }>;

/**
 * One read; from a caller's start key (a cursor), DynamoDB refusing the key (outside the query's partition or sort
 * key range, or not of the key schema) is the cursor's fault: 400 INVALID_CURSOR, not a 500.
 */
const readFrom = async (read: PageRead, key: Item | undefined, limit: number, fromCursor: boolean) => {
  try {
    return await read(key, limit);
  } catch (error) {
    if (fromCursor && error instanceof Error && error.name === 'ValidationException') throw invalidCursor();
    throw error;
  }
};

/**
 * Reads one page of `limit` items, plus one more to learn whether another page follows, so the last page never
 * carries a cursor to an empty one (DynamoDB returns a LastEvaluatedKey whenever it stopped at its Limit). The
 * next page's start key is the last kept item's key attributes, `keyNames` (the table's and the index's keys).
 * Reads again while a filter or the 1 MB cap left the page short.
 */
export const readPage = async (
  read: PageRead,
  { limit, startKey, keyNames }: { limit: number; startKey?: Item; keyNames: readonly string[] },
): Promise<{ items: Item[]; lastKey?: Item }> => {
  const found: Item[] = [];
  let key = startKey;
  do {
    const page = await readFrom(read, key, limit + 1 - found.length, key !== undefined && key === startKey);
    found.push(...(page.Items ?? []));
    key = page.LastEvaluatedKey;
  } while (key && found.length <= limit);
  const items = found.slice(0, limit);
  const last = items.at(-1);
  if (found.length <= limit || !last) return { items };
  return { items, lastKey: Object.fromEntries(keyNames.map((name) => [name, last[name]])) };
};
