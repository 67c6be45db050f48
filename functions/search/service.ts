import type { ProductRecord } from '../catalog/store';
import { decodeCursor, encodeCursor } from '../shared/cursor';
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

export const searchProducts = async (index: SearchIndex, query: SearchQuery) => {
  const size = query.limit ?? DEFAULT_PAGE_SIZE;
  const minCents = query.minPrice === undefined ? undefined : toCents(query.minPrice);
  const maxCents = query.maxPrice === undefined ? undefined : toCents(query.maxPrice);
  // The cursor is bound to the query it continues.
  const fingerprint = JSON.stringify([query.q, query.category, query.brand, minCents, maxCents, query.sort, size]);
  const offset = Number(decodeCursor(query.cursor, fingerprint, ['offset'])?.offset ?? 0);
  const result = await index.search({
    text: query.q,
    ...(query.category !== undefined && { category: query.category }),
    ...(query.brand !== undefined && { brand: query.brand }),
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

/**
 * Brings one product's document in line with the table, whatever the change said: events may arrive
 * late or twice, the table is the truth. A deleted or missing product leaves the index.
 */
export const syncProduct = async (deps: IndexerDeps, productId: string): Promise<'indexed' | 'removed'> => {
  const product = await deps.getProduct(productId);
  if (!product || product.deletedAt !== undefined) {
    await deps.index.remove(productId);
    return 'removed';
  }
  await deps.index.upsert(toDocument(product));
  return 'indexed';
};

/**
 * Fills the index from the live products (pages of the catalog's listing). `recreate` drops it first (a
 * rebuild, for a new mapping: searches find nothing until it is refilled); otherwise it is created if
 * missing and every live product's document is written over what is there.
 */
export const fillIndex = async (
  index: SearchIndex,
  pages: AsyncIterable<CatalogProduct[]>,
  { recreate }: { recreate: boolean },
): Promise<{ indexed: number }> => {
  await (recreate ? index.recreateIndex() : index.ensureIndex());
  let indexed = 0;
  for await (const page of pages) {
    await index.upsertMany(page.map(toDocument));
    indexed += page.length;
  }
  return { indexed };
};

/** Rebuilds the index from the live products. */
export const reindex = (index: SearchIndex, pages: AsyncIterable<CatalogProduct[]>) =>
  fillIndex(index, pages, { recreate: true });
