import { randomUUID } from 'node:crypto';
import { decodeCursor, encodeCursor } from '../shared/cursor';
import type { DomainEvent } from '../shared/events';
import { fromCents, toCents } from '../shared/money';
import {
  CategoryExistsError,
  CategoryNotFoundError,
  CategoryRenameError,
  ProductNotFoundError,
  UnknownCategoryError,
} from './errors';
import type {
  Category,
  CreateCategoryBody,
  CreateProductBody,
  ListProductsQuery,
  Product,
  UpdateCategoryBody,
  UpdateProductBody,
} from './schemas';
import {
  type CatalogStore,
  type CategoryRecord,
  categoryIdOf,
  type ProductRecord,
  type ProductSortField,
} from './store';

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

/** What the catalog's write side needs: its store, the inventory's stock creation, the bus, a clock. */
export interface CatalogWriteDeps {
  store: CatalogStore;
  stock: { createStockIfAbsent(sku: string, available: number): Promise<boolean> };
  publish: (...events: DomainEvent[]) => Promise<void>;
  now?: () => Date;
  newId?: () => string;
}

export type ProductChange = 'created' | 'updated' | 'deleted';

const productChanged = (productId: string, change: ProductChange, correlationId: string): DomainEvent => ({
  context: 'catalog',
  detailType: 'ProductChanged',
  version: 1,
  correlationId,
  data: { productId, change },
});

/** The category a product is filed under, by id or name; its canonical name is what the product keeps. */
const categoryFor = async (store: CatalogStore, category: string): Promise<CategoryRecord> => {
  const found = await store.getCategory(categoryIdOf(category));
  if (!found) throw new UnknownCategoryError(category);
  return found;
};

export const createProduct = async (
  deps: CatalogWriteDeps,
  input: CreateProductBody,
  correlationId: string,
): Promise<Product> => {
  const category = await categoryFor(deps.store, input.category);
  const now = (deps.now?.() ?? new Date()).toISOString();
  const record: ProductRecord = {
    id: deps.newId?.() ?? `prod-${randomUUID()}`,
    sku: input.sku,
    name: input.name,
    description: input.description,
    priceCents: toCents(input.price),
    currency: input.currency ?? 'USD',
    category: category.name,
    brand: input.brand,
    images: input.images,
    attributes: input.attributes,
    createdAt: now,
    updatedAt: now,
  };
  await deps.store.createProduct(record);
  // After the product: a failed SKU guard must not leave a stock record behind. Absent-only, so a retry is harmless.
  await deps.stock.createStockIfAbsent(record.sku, 0);
  await deps.publish(productChanged(record.id, 'created', correlationId));
  return toProduct(record);
};

export const updateProduct = async (
  deps: CatalogWriteDeps,
  id: string,
  changes: UpdateProductBody,
  correlationId: string,
): Promise<Product> => {
  const current = await deps.store.getProduct(id);
  if (!current || current.deletedAt !== undefined) throw new ProductNotFoundError(id);
  const { price, category, ...rest } = changes;
  const next: ProductRecord = {
    ...current,
    ...rest,
    ...(price !== undefined && { priceCents: toCents(price) }),
    ...(category !== undefined && { category: (await categoryFor(deps.store, category)).name }),
    updatedAt: (deps.now?.() ?? new Date()).toISOString(),
  };
  await deps.store.replaceProduct(next, current.updatedAt);
  await deps.publish(productChanged(id, 'updated', correlationId));
  return toProduct(next);
};

/** A soft delete: the product leaves listings and search; past orders still find it by id. Its SKU stays reserved. */
export const deleteProduct = async (deps: CatalogWriteDeps, id: string, correlationId: string): Promise<void> => {
  await deps.store.softDeleteProduct(id, (deps.now?.() ?? new Date()).toISOString());
  await deps.publish(productChanged(id, 'deleted', correlationId));
};

export const createCategory = async (
  deps: Pick<CatalogWriteDeps, 'store'>,
  input: CreateCategoryBody,
): Promise<Category> => {
  const category: CategoryRecord = { id: categoryIdOf(input.name), name: input.name, description: input.description };
  if (!(await deps.store.putCategoryIfAbsent(category))) throw new CategoryExistsError(category.id);
  return category;
};

export const updateCategory = async (
  deps: Pick<CatalogWriteDeps, 'store'>,
  id: string,
  changes: UpdateCategoryBody,
): Promise<Category> => {
  const current = await deps.store.getCategory(id);
  if (!current) throw new CategoryNotFoundError(id);
  if (changes.name !== undefined && categoryIdOf(changes.name) !== id) throw new CategoryRenameError(id);
  const next: CategoryRecord = { ...current, ...changes };
  await deps.store.updateCategory(next);
  return next;
};
