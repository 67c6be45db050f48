import { describe, expect, it } from 'vitest';
import { type PageRead, readPage } from '../../../functions/shared/paging';

/** A table of `count` items read like DynamoDB: from after the start key, `limit` evaluated, `keep` ones returned. */
const table = (count: number, keep: (n: number) => boolean = () => true) => {
  const rows = Array.from({ length: count }, (_, n) => ({ pk: `P#${n}`, sk: 'S', n, payload: `item ${n}` }));
  const asked: number[] = [];
  const read: PageRead = async (startKey, limit) => {
    asked.push(limit);
    const from = startKey ? rows.findIndex((row) => row.pk === startKey.pk) + 1 : 0;
    const evaluated = rows.slice(from, from + limit);
    const last = evaluated.at(-1);
    const more = from + limit < rows.length;
    return {
      Items: evaluated.filter((row) => keep(row.n)),
      ...(more && last && { LastEvaluatedKey: { pk: last.pk, sk: last.sk } }),
    };
  };
  return { read, asked };
};

const pages = async (read: PageRead, limit: number) => {
  const sizes: number[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await readPage(read, { limit, startKey, keyNames: ['pk', 'sk'] });
    sizes.push(page.items.length);
    startKey = page.lastKey;
  } while (startKey);
  return sizes;
};

describe('readPage', () => {
  it('gives no cursor after a last page that is exactly full', async () => {
    const { read, asked } = table(10);
    expect(await pages(read, 5)).toEqual([5, 5]);
    expect(asked).toEqual([6, 6]);
  });

  it('continues right after the last item it kept, never skipping the one it read ahead', async () => {
    const { read } = table(7);
    const first = await readPage(read, { limit: 3, keyNames: ['pk', 'sk'] });
    expect(first.items.map((item) => item.n)).toEqual([0, 1, 2]);
    expect(first.lastKey).toEqual({ pk: 'P#2', sk: 'S' });
    const second = await readPage(read, { limit: 3, startKey: first.lastKey, keyNames: ['pk', 'sk'] });
    expect(second.items.map((item) => item.n)).toEqual([3, 4, 5]);
    expect(await pages(read, 3)).toEqual([3, 3, 1]);
  });

  it('reads on while a filter leaves the page short, and stops at the end', async () => {
    const { read } = table(20, (n) => n % 3 === 0);
    expect(await pages(read, 2)).toEqual([2, 2, 2, 1]);
    const empty = table(5, () => false);
    expect(await readPage(empty.read, { limit: 2, keyNames: ['pk', 'sk'] })).toEqual({ items: [] });
  });
});
