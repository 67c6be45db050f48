import { describe, expect, it } from 'vitest';
import type { SearchDocument, SearchIndex, SearchRequest } from '../../../functions/search/port';
import {
  type CatalogProduct,
  REBUILD_CLOCK_MARGIN_MS,
  rebuildIndex,
  refillIndex,
  searchProducts,
  syncProduct,
} from '../../../functions/search/service';
import { encodeCursor } from '../../../functions/shared/cursor';

const memoryIndex = () => {
  const docs = new Map<string, SearchDocument>();
  const requests: SearchRequest[] = [];
  let rebuilt = 0;
  const index: SearchIndex = {
    ensureIndex: async () => undefined,
    rebuild: async (pages) => {
      rebuilt++;
      const fresh = new Map<string, SearchDocument>();
      for await (const page of pages) for (const doc of page) fresh.set(doc.id, doc);
      docs.clear();
      for (const [id, doc] of fresh) docs.set(id, doc);
      return fresh.size;
    },
    upsert: async (doc) => void docs.set(doc.id, doc),
    remove: async (id) => void docs.delete(id),
    upsertMany: async (list) => {
      for (const doc of list) docs.set(doc.id, doc);
    },
    search: async (request) => {
      requests.push(request);
      const all = [...docs.values()];
      return {
        hits: all.slice(request.offset, request.offset + request.size),
        total: all.length,
        facets: { category: {}, brand: {}, price: {} },
      };
    },
  };
  return { index, docs, requests, rebuiltCount: () => rebuilt };
};

const product = (id: string, extra: Partial<CatalogProduct> = {}): CatalogProduct => ({
  id,
  sku: id.toUpperCase(),
  name: id,
  description: '',
  priceCents: 1234,
  currency: 'USD',
  category: 'Audio',
  brand: 'B',
  images: [],
  updatedAt: '2026-01-01T00:00:00.000Z',
  ...extra,
});

describe('search use cases', () => {
  it('syncs a document with the table: live products upserted, deleted or missing ones removed', async () => {
    const { index, docs } = memoryIndex();
    const table = new Map([
      ['a', product('a')],
      ['b', product('b', { deletedAt: '2026-01-02T00:00:00.000Z' })],
    ]);
    const deps = { index, getProduct: async (id: string) => table.get(id) };
    expect(await syncProduct(deps, 'a')).toBe('indexed');
    docs.set('b', { ...product('b') });
    expect(await syncProduct(deps, 'b')).toBe('removed');
    expect(await syncProduct(deps, 'gone')).toBe('removed');
    expect([...docs.keys()]).toEqual(['a']);
  });

  it('refills every live product over what the index holds, keeping the rest', async () => {
    const { index, docs, rebuiltCount } = memoryIndex();
    docs.set('other', { ...product('other') });
    async function* livePages() {
      yield [product('a'), product('b')];
      yield [product('c')];
    }
    expect(await refillIndex(index, { livePages })).toEqual({ indexed: 3, resynced: 0 });
    expect(rebuiltCount()).toBe(0);
    expect([...docs.keys()].sort()).toEqual(['a', 'b', 'c', 'other']);
  });

  it('rebuilds into a new index, then brings over what changed while it filled', async () => {
    const { index, docs, rebuiltCount } = memoryIndex();
    docs.set('stale', { ...product('stale') });
    const now = new Date('2026-03-01T12:00:00.000Z');
    let askedSince: string | undefined;
    // 'a' was renamed and 'b' deleted during the fill: the rebuild read them before, the table holds them after.
    const catalog = {
      async *livePages() {
        yield [product('a'), product('b'), product('c')];
      },
      async *changedSince(since: string) {
        askedSince = since;
        yield [product('a', { name: 'A renamed' }), product('b', { deletedAt: now.toISOString() })];
      },
    };
    expect(await rebuildIndex(index, catalog, () => now)).toEqual({ indexed: 3, resynced: 2 });
    expect(rebuiltCount()).toBe(1);
    expect(askedSince).toBe(new Date(now.getTime() - REBUILD_CLOCK_MARGIN_MS).toISOString());
    expect([...docs.keys()].sort()).toEqual(['a', 'c']);
    expect(docs.get('a')?.name).toBe('A renamed');
  });

  it('answers prices in major units and pages with a cursor bound to its query', async () => {
    const { index, docs, requests } = memoryIndex();
    for (const id of ['a', 'b', 'c']) docs.set(id, { ...product(id) });
    const first = await searchProducts(index, { q: 'x', sort: 'relevance', limit: 2, minPrice: 10 });
    expect(first.items[0]).toMatchObject({ id: 'a', price: 12.34 });
    expect(first.items[0]).not.toHaveProperty('priceCents');
    expect(requests[0]).toMatchObject({ text: 'x', minCents: 1000, offset: 0, size: 2 });
    const second = await searchProducts(index, {
      q: 'x',
      sort: 'relevance',
      limit: 2,
      minPrice: 10,
      cursor: first.nextCursor ?? '',
    });
    expect(second.items.map((item) => item.id)).toEqual(['c']);
    expect(second.nextCursor).toBeNull();
    await expect(
      searchProducts(index, { q: 'y', sort: 'relevance', limit: 2, cursor: first.nextCursor ?? '' }),
    ).rejects.toThrow(/cursor/);
  });

  it('passes the picked facet values on, and binds its cursor to them', async () => {
    const { index, docs, requests } = memoryIndex();
    for (const id of ['a', 'b', 'c']) docs.set(id, { ...product(id) });
    const query = {
      q: '',
      sort: 'relevance' as const,
      limit: 2,
      category: ['Audio', 'Gaming'],
      brand: ['B'],
      price: ['0-50', '1000+'],
    };
    const first = await searchProducts(index, query);
    expect(requests[0]).toMatchObject({
      categories: ['Audio', 'Gaming'],
      brands: ['B'],
      priceBuckets: ['0-50', '1000+'],
    });
    const cursor = first.nextCursor ?? '';
    expect((await searchProducts(index, { ...query, cursor })).items.map((item) => item.id)).toEqual(['c']);
    for (const other of [{ category: ['Audio'] }, { brand: ['B', 'C'] }, { price: ['0-50'] }, { price: undefined }]) {
      await expect(searchProducts(index, { ...query, ...other, cursor })).rejects.toThrow(/cursor/);
    }
  });

  it('keeps the cursors of one category or brand as they were before lists', async () => {
    const { index, docs } = memoryIndex();
    for (const id of ['a', 'b', 'c']) docs.set(id, { ...product(id) });
    // The cursor's fingerprint as it was computed when category and brand took one value each.
    const fingerprint = JSON.stringify(['', 'Audio', 'B', undefined, undefined, 'relevance', 2]);
    const cursor = encodeCursor({ offset: 2 }, fingerprint) ?? '';
    const page = await searchProducts(index, {
      q: '',
      sort: 'relevance',
      limit: 2,
      category: ['Audio'],
      brand: ['B'],
      cursor,
    });
    expect(page.items.map((item) => item.id)).toEqual(['c']);
  });
});
