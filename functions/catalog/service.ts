import { decodeCursor, encodeCursor } from '../shared/cursor';
import { fromCents, toCents } from '../shared/money';
import { ProductNotFoundError } from './errors';
import type { Category, ListProductsQuery, Product } from './schemas';
import { type CatalogStore, categoryIdOf, type ProductRecord, type ProductSortField } from './store';

export const DEFAULT_PAGE_SIZE = 20;

export const toProduct = (record: ProductRecord): Product => ({
  id: record.id,
  sku: record.sku,
  name: record.name,
  description: record.description,
  price: fromCents(record.priceCents),
  currency: record.currency,
  category: record.category,
  brand: record.brand,
  images: record.images,
  attributes: record.attributes,
  createdAt: record.createdAt,
  updatedAt: record.updatedAt,
});

/** `price`, `-price`, `price_desc`... -> field and direction; names ascending by default. */
export const parseSort = (sort: ListProductsQuery['sort']): { sortBy: ProductSortField; descending: boolean } => {
  if (!sort) return { sortBy: 'name', descending: false };
  const descending = sort.startsWith('-') || sort.endsWith('_desc');
  const sortBy = sort.replace(/^-/, '').replace(/_(asc|desc)$/, '') as ProductSortField;
  return { sortBy, descending };
};

export const listProducts = async (store: CatalogStore, query: ListProductsQuery) => {
  const { sortBy, descending } = parseSort(query.sort);
  const categoryId = query.category === undefined ? undefined : categoryIdOf(query.category);
  const minCents = query.minPrice === undefined ? undefined : toCents(query.minPrice);
  const maxCents = query.maxPrice === undefined ? undefined : toCents(query.maxPrice);
  // The cursor is bound to the query it continues.
  const fingerprint = JSON.stringify([categoryId ?? null, minCents ?? null, maxCents ?? null, sortBy, descending]);
  const startKey = decodeCursor(query.cursor, fingerprint, store.listingKeyNames({ categoryId, sortBy }));
  const page = await store.listProducts({
    categoryId,
    minCents,
    maxCents,
    sortBy,
    descending,
    limit: query.limit ?? DEFAULT_PAGE_SIZE,
    startKey,
  });
  return { items: page.items.map(toProduct), nextCursor: encodeCursor(page.lastKey, fingerprint) };
};

export const getProduct = async (store: CatalogStore, id: string): Promise<Product> => {
  const record = await store.getProduct(id);
  if (!record || record.deletedAt !== undefined) throw new ProductNotFoundError(id);
  return toProduct(record);
};

export const listCategories = async (store: CatalogStore): Promise<{ items: Category[]; nextCursor: null }> => ({
  items: await store.listCategories(),
  nextCursor: null,
});
