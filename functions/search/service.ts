import type { ProductRecord } from '../catalog/store';
import { decodeCursor, encodeCursor, invalidCursor } from '../shared/cursor';
import { fromCents, toCents } from '../shared/money';
import { MAX_RESULT_WINDOW, type SearchDocument, type SearchIndex } from './port';
import type { SearchQuery } from './schemas';

export const DEFAULT_PAGE_SIZE = 20;

/** A product as the catalog table holds it: the fields the index needs. */
export type CatalogProduct = Pick<
  ProductRecord,
  | 'id'
  | 'sku'
  | 'name'
  | 'description'
  | 'priceCents'
  | 'currency'
  | 'category'
  | 'brand'
  | 'images'
  | 'updatedAt'
  | 'deletedAt'
>;

export const toDocument = (product: CatalogProduct): SearchDocument => ({
  id: product.id,
  sku: product.sku,
  name: product.name,
  description: product.description,
  brand: product.brand,
  category: product.category,
  priceCents: product.priceCents,
  currency: product.currency,
  images: product.images,
  updatedAt: product.updatedAt,
});

const toItem = ({ priceCents, ...document }: SearchDocument) => ({ ...document, price: fromCents(priceCents) });

/** A list as a cursor's fingerprint holds it: one value as the string it was before lists, so its cursors stay valid. */
const fingerprintOf = (values: string[] | undefined) => (values?.length === 1 ? values[0] : values);

export const searchProducts = async (index: SearchIndex, query: SearchQuery) => {
  const size = query.limit ?? DEFAULT_PAGE_SIZE;
  const minCents = query.minPrice === undefined ? undefined : toCents(query.minPrice);
  const maxCents = query.maxPrice === undefined ? undefined : toCents(query.maxPrice);
  // The cursor is bound to the query it continues.
  const fingerprint = JSON.stringify([
    query.q,
    fingerprintOf(query.category),
    fingerprintOf(query.brand),
    minCents,
    maxCents,
    query.sort,
    size,
    ...(query.price === undefined ? [] : [query.price]),
  ]);
  const offset = Number(decodeCursor(query.cursor, fingerprint, { offset: 'N' })?.offset ?? 0);
  // Only this service makes cursors: a forged offset (negative, fractional, past the result window) is refused.
  if (!Number.isSafeInteger(offset) || offset < 0 || offset + size > MAX_RESULT_WINDOW) throw invalidCursor();
  const result = await index.search({
    text: query.q,
    ...(query.category !== undefined && { categories: query.category }),
    ...(query.brand !== undefined && { brands: query.brand }),
    ...(query.price !== undefined && { priceBuckets: query.price }),
    ...(minCents !== undefined && { minCents }),
    ...(maxCents !== undefined && { maxCents }),
    sort: query.sort,
    offset,
    size,
  });
  const next = offset + size;
  const more = next < result.total && next + size <= MAX_RESULT_WINDOW;
  return {
    items: result.hits.map(toItem),
    total: result.total,
    facets: result.facets,
    nextCursor: more ? encodeCursor({ offset: next }, fingerprint) : null,
  };
};

export interface IndexerDeps {
  index: SearchIndex;
  getProduct(id: string): Promise<CatalogProduct | undefined>;
}

/** Puts one product's state into the index: its document if live, nothing if deleted or missing. */
const apply = async (index: SearchIndex, productId: string, product: CatalogProduct | undefined) => {
  if (!product || product.deletedAt !== undefined) {
    await index.remove(productId);
    return 'removed' as const;
  }
  await index.upsert(toDocument(product));
  return 'indexed' as const;
};

/**
 * Brings one product's document in line with the table, whatever the change said: events may arrive
 * late or twice, the table is the truth. A deleted or missing product leaves the index.
 */
export const syncProduct = async (deps: IndexerDeps, productId: string): Promise<'indexed' | 'removed'> =>
  apply(deps.index, productId, await deps.getProduct(productId));

/** Where the index is filled from: the catalog's live products, and the products changed since a moment. */
export interface CatalogSource {
  livePages(): AsyncIterable<CatalogProduct[]>;
  changedSince(since: string): AsyncIterable<CatalogProduct[]>;
}

async function* documentsOf(pages: AsyncIterable<CatalogProduct[]>): AsyncIterable<SearchDocument[]> {
  for await (const page of pages) yield page.map(toDocument);
}

/** Writes every live product's document over what the index holds, creating the index if it is missing. */
export const refillIndex = async (index: SearchIndex, catalog: Pick<CatalogSource, 'livePages'>) => {
  await index.ensureIndex();
  let indexed = 0;
  for await (const documents of documentsOf(catalog.livePages())) {
    await index.upsertMany(documents);
    indexed += documents.length;
  }
  return { indexed, resynced: 0 };
};

/** How far before a rebuild's start the catch-up looks, for clocks of other machines that run behind. */
export const REBUILD_CLOCK_MARGIN_MS = 60_000;

/**
 * Rebuilds the index without a gap in search: a new index, filled from the live products, takes over in one
 * step; then every product changed since the rebuild began (whose event went to the old index) is brought
 * over from the table. Changes after the switch reach the new index through the indexer.
 */
export const rebuildIndex = async (index: SearchIndex, catalog: CatalogSource, now: () => Date = () => new Date()) => {
  const since = new Date(now().getTime() - REBUILD_CLOCK_MARGIN_MS).toISOString();
  const indexed = await index.rebuild(documentsOf(catalog.livePages()));
  let resynced = 0;
  for await (const page of catalog.changedSince(since)) {
    const live = page.filter((product) => product.deletedAt === undefined);
    await index.upsertMany(live.map(toDocument));
    for (const product of page) if (product.deletedAt !== undefined) await index.remove(product.id);
    resynced += page.length;
  }
  return { indexed, resynced };
};
