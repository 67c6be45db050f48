import {
  CategoryNotFoundError,
  ProductChangedError,
  ProductNotFoundError,
  SkuTakenError,
} from '../../../functions/catalog/errors';
import type {
  CatalogStore,
  CategoryRecord,
  ChangeMark,
  ProductListing,
  ProductRecord,
  StartKey,
  TransactWriteItem,
} from '../../../functions/catalog/store';
import { categoryIdOf } from '../../../functions/catalog/store';

/**
 * An in-memory CatalogStore with the DynamoDB store's listing semantics (sparse indexes, exact page keys).
 * `marks` holds each product's pending change mark; `alsoWritten`, the other tables' writes of createProduct.
 */
export const memoryCatalogStore = (products: ProductRecord[] = [], categories: CategoryRecord[] = []) => {
  const byId = new Map(products.map((p) => [p.id, p]));
  const categoriesById = new Map(categories.map((c) => [c.id, c]));
  const marks = new Map<string, ChangeMark>();
  const alsoWritten: TransactWriteItem[] = [];
  const sortKey = (p: ProductRecord, listing: ProductListing) =>
    listing.sortBy === 'price' ? p.priceCents : `${p.name.toLowerCase()}#${p.id}`;
  const store: CatalogStore = {
    getProduct: async (id) => byId.get(id),
    getProducts: async (ids) => ids.flatMap((id) => byId.get(id) ?? []),
    listingKeySchema: () => ({ pk: 'S', sk: 'S', listPk: 'S', sortKey: 'S' }),
    productsChangedSince: async ({ since }) => ({
      items: [...byId.values()].filter((product) => product.updatedAt >= since),
    }),
    listProducts: async (listing) => {
      const live = [...byId.values()]
        .filter((p) => p.deletedAt === undefined)
        .filter((p) => listing.categoryId === undefined || categoryIdOf(p.category) === listing.categoryId)
        .filter(
          (p) =>
            p.priceCents >= (listing.minCents ?? 0) && p.priceCents <= (listing.maxCents ?? Number.MAX_SAFE_INTEGER),
        )
        .sort((a, b) => {
          const [x, y] = [sortKey(a, listing), sortKey(b, listing)];
          const order = x < y ? -1 : x > y ? 1 : a.id.localeCompare(b.id);
          return listing.descending ? -order : order;
        });
      const start = listing.startKey ? live.findIndex((p) => `PRODUCT#${p.id}` === listing.startKey?.pk) + 1 : 0;
      const items = live.slice(start, start + listing.limit);
      const last = items.at(-1);
      const more = start + listing.limit < live.length;
      const lastKey: StartKey | undefined =
        more && last
          ? { pk: `PRODUCT#${last.id}`, sk: 'PRODUCT', listPk: 'PRODUCT', sortKey: sortKey(last, listing) }
          : undefined;
      return { items, ...(lastKey && { lastKey }) };
    },
    listCategories: async () => [...categoriesById.values()],
    putProductIfAbsent: async (product) => {
      if (byId.has(product.id)) return false;
      byId.set(product.id, product);
      return true;
    },
    putCategoryIfAbsent: async (category) => {
      if (categoriesById.has(category.id)) return false;
      categoriesById.set(category.id, category);
      return true;
    },
    getCategory: async (id) => categoriesById.get(id),
    createProduct: async (record, mark, also = []) => {
      if ([...byId.values()].some((p) => p.sku === record.sku)) throw new SkuTakenError(record.sku);
      byId.set(record.id, record);
      marks.set(record.id, mark);
      alsoWritten.push(...also);
    },
    replaceProduct: async (record, expectedUpdatedAt, mark) => {
      const current = byId.get(record.id);
      if (!current || current.deletedAt !== undefined) throw new ProductNotFoundError(record.id);
      if (current.updatedAt !== expectedUpdatedAt) throw new ProductChangedError(record.id);
      byId.set(record.id, record);
      marks.set(record.id, mark);
    },
    softDeleteProduct: async (id, now, mark) => {
      const current = byId.get(id);
      if (!current || current.deletedAt !== undefined) throw new ProductNotFoundError(id);
      const deleted = { ...current, deletedAt: now, updatedAt: now };
      byId.set(id, deleted);
      marks.set(id, mark);
      return deleted;
    },
    clearChangeMark: async (productId, markId) => {
      if (marks.get(productId)?.id !== markId) return false;
      marks.delete(productId);
      return true;
    },
    pendingChanges: async ({ before, limit }) => ({
      items: [...marks]
        .filter(([, mark]) => mark.at < before)
        .sort(([, a], [, b]) => a.at.localeCompare(b.at))
        .slice(0, limit)
        .map(([productId, mark]) => ({ productId, mark })),
    }),
    updateCategory: async (category) => {
      if (!categoriesById.has(category.id)) throw new CategoryNotFoundError(category.id);
      categoriesById.set(category.id, category);
    },
  };
  return Object.assign(store, { marks, alsoWritten });
};

export const product = (overrides: Partial<ProductRecord> & { id: string }): ProductRecord => ({
  sku: overrides.id.toUpperCase(),
  name: overrides.id,
  description: '',
  priceCents: 1000,
  currency: 'USD',
  category: 'Audio',
  brand: 'Brand',
  images: [],
  attributes: {},
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  ...overrides,
});
