import { randomUUID } from 'node:crypto';
import { decodeCursor, encodeCursor } from '../shared/cursor';
import type { DomainEvent } from '../shared/events';
import { logger } from '../shared/logger';
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
  type ChangeMark,
  categoryIdOf,
  type ProductChange,
  type ProductRecord,
  type ProductSortField,
  type StartKey,
  type TransactWriteItem,
} from './store';

export type { ProductChange };

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
  const startKey = decodeCursor(query.cursor, fingerprint, store.listingKeySchema({ categoryId, sortBy }));
  // A name with no letter or digit (`!`) is no category's: none has an empty id, which no index key may be either.
  if (categoryId === '') return { items: [], nextCursor: null };
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
  /** The inventory's "create stock if absent", as a write the catalog adds to the product's own transaction. */
  stock: { createStockIfAbsentItem(sku: string, available: number, now: Date): TransactWriteItem };
  publish: (...events: DomainEvent[]) => Promise<void>;
  now?: () => Date;
  newId?: () => string;
}

const productChanged = (productId: string, change: ProductChange, correlationId: string): DomainEvent => ({
  context: 'catalog',
  detailType: 'ProductChanged',
  version: 1,
  correlationId,
  data: { productId, change },
});

const markOf = (change: ProductChange, at: string, correlationId: string): ChangeMark => ({
  id: randomUUID(),
  at,
  change,
  correlationId,
});

/**
 * Puts the change on the bus, then clears the mark its write left. A failed publish throws with the mark in
 * place, for the sweeper (republishPendingChanges) to publish later. A failed clear only means the sweeper
 * publishes the change once more, which consumers take in their stride: the call has done its work.
 */
const announce = async (
  deps: Pick<CatalogWriteDeps, 'store' | 'publish'>,
  productId: string,
  mark: ChangeMark,
): Promise<void> => {
  await deps.publish(productChanged(productId, mark.change, mark.correlationId));
  try {
    await deps.store.clearChangeMark(productId, mark.id);
  } catch (error) {
    logger.warn('ProductChanged published, but its mark was not cleared', { productId, error });
  }
};

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
  const clock = deps.now?.() ?? new Date();
  const now = clock.toISOString();
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
  const mark = markOf('created', now, correlationId);
  // One transaction: a taken SKU leaves no stock record behind; a SKU's existing stock record is kept as it is.
  await deps.store.createProduct(record, mark, [deps.stock.createStockIfAbsentItem(record.sku, 0, clock)]);
  await announce(deps, record.id, mark);
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
  const mark = markOf('updated', next.updatedAt, correlationId);
  await deps.store.replaceProduct(next, current.updatedAt, mark);
  await announce(deps, id, mark);
  return toProduct(next);
};

/** A soft delete: the product leaves listings and search; past orders still find it by id. Its SKU stays reserved. */
export const deleteProduct = async (deps: CatalogWriteDeps, id: string, correlationId: string): Promise<void> => {
  const now = (deps.now?.() ?? new Date()).toISOString();
  const mark = markOf('deleted', now, correlationId);
  await deps.store.softDeleteProduct(id, now, mark);
  await announce(deps, id, mark);
};

/** How old a change mark must be before the sweeper publishes it: a request still running is left to finish. */
export const CHANGE_GRACE_MS = 60_000;
/** PutEvents takes at most 10 entries: one page of marks, one call. */
const SWEEP_PAGE = 10;

/**
 * The outbox sweeper: publishes ProductChanged for every mark older than the grace period and clears each
 * mark that is still the one it read. Safe to run again or alongside writes: a newer write's mark is never
 * cleared, and a change published twice is harmless (consumers read the product afresh).
 */
export const republishPendingChanges = async (
  deps: Pick<CatalogWriteDeps, 'store' | 'publish' | 'now'>,
  { graceMs = CHANGE_GRACE_MS, maxChanges = 500 }: { graceMs?: number; maxChanges?: number } = {},
): Promise<{ published: number; cleared: number }> => {
  const before = new Date((deps.now?.() ?? new Date()).getTime() - graceMs).toISOString();
  let published = 0;
  let cleared = 0;
  let startKey: StartKey | undefined;
  do {
    const page = await deps.store.pendingChanges({
      before,
      limit: Math.min(SWEEP_PAGE, maxChanges - published),
      startKey,
    });
    if (page.items.length > 0) {
      await deps.publish(
        ...page.items.map(({ productId, mark }) => productChanged(productId, mark.change, mark.correlationId)),
      );
      published += page.items.length;
      const results = await Promise.all(
        page.items.map(({ productId, mark }) => deps.store.clearChangeMark(productId, mark.id)),
      );
      cleared += results.filter(Boolean).length;
    }
    startKey = page.lastKey;
  } while (startKey && published < maxChanges);
  return { published, cleared };
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

/**
 * PUT on the collection: the category the body names, created if its id is new, its name and description
 * replaced otherwise. Idempotent, as a PUT is.
 */
export const putCategory = async (
  deps: Pick<CatalogWriteDeps, 'store'>,
  input: CreateCategoryBody,
): Promise<{ category: Category; created: boolean }> => {
  try {
    return { category: await createCategory(deps, input), created: true };
  } catch (error) {
    if (!(error instanceof CategoryExistsError)) throw error;
  }
  return { category: await updateCategory(deps, categoryIdOf(input.name), input), created: false };
};
