import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { tableName } from '../shared/config';
import { backoff, documentClient, TRANSIENT_CANCELLATIONS, type TransactWriteItem } from '../shared/dynamo';
import { readPage } from '../shared/paging';
import { categoryIdOf } from './category-id';
import { CategoryNotFoundError, ProductChangedError, ProductNotFoundError, SkuTakenError } from './errors';

export interface ProductRecord {
  id: string;
  sku: string;
  name: string;
  description: string;
  priceCents: number;
  currency: string;
  category: string;
  brand: string;
  images: string[];
  attributes: Record<string, string | number | boolean>;
  createdAt: string;
  updatedAt: string;
  /** Set on a soft delete: hidden from browsing and search, kept for past orders. */
  deletedAt?: string;
}

export type ProductChange = 'created' | 'updated' | 'deleted';

/**
 * The transactional outbox of ProductChanged: a product write marks the item, in the same write, as having
 * an event to publish; the mark is cleared once the event is on the bus, or republished by the sweeper.
 */
export interface ChangeMark {
  /** Unique per write, so clearing one write's mark never clears a newer write's. */
  id: string;
  /** When the change was made (ISO 8601): the sweeper leaves marks younger than its grace period alone. */
  at: string;
  change: ProductChange;
  correlationId: string;
}

export interface PendingChange {
  productId: string;
  mark: ChangeMark;
}

/** A write of another table for createProduct's transaction (the stock record); opaque to the catalog. */
export type { TransactWriteItem };

export interface CategoryRecord {
  id: string;
  name: string;
  description: string;
}

export type ProductSortField = 'name' | 'price';
export type StartKey = Record<string, string | number>;

export interface ProductListing {
  /** Category id (slug); omitted for every category. */
  categoryId?: string;
  minCents?: number;
  maxCents?: number;
  sortBy: ProductSortField;
  descending: boolean;
  limit: number;
  startKey?: StartKey;
}

/** The catalog's table access: the only code that knows its key shapes and indexes. */
export interface CatalogStore {
  getProduct(id: string): Promise<ProductRecord | undefined>;
  getProducts(ids: string[]): Promise<ProductRecord[]>;
  listProducts(listing: ProductListing): Promise<{ items: ProductRecord[]; lastKey?: StartKey }>;
  /** Every product, deleted ones included, last changed at or after `since` (a scan: for rebuilds, not requests). */
  productsChangedSince(page: {
    since: string;
    startKey?: StartKey;
  }): Promise<{ items: ProductRecord[]; lastKey?: StartKey }>;
  /** The attribute names a listing's page key has, to validate a cursor before using it. */
  listingKeyNames(listing: Pick<ProductListing, 'categoryId' | 'sortBy'>): string[];
  listCategories(): Promise<CategoryRecord[]>;
  /** Writes unless a record with that id exists; true if written. */
  putProductIfAbsent(product: ProductRecord): Promise<boolean>;
  putCategoryIfAbsent(category: CategoryRecord): Promise<boolean>;
  getCategory(id: string): Promise<CategoryRecord | undefined>;
  /**
   * Writes the product (marked with `mark`), its SKU guard and `alsoWrite` in one transaction; throws
   * SkuTakenError if the SKU is in use, and then nothing is written.
   */
  createProduct(product: ProductRecord, mark: ChangeMark, alsoWrite?: TransactWriteItem[]): Promise<void>;
  /**
   * Replaces a live product (marked with `mark`), only if it still has `expectedUpdatedAt`: ProductChangedError
   * otherwise, ProductNotFoundError if it is gone or deleted.
   */
  replaceProduct(product: ProductRecord, expectedUpdatedAt: string, mark: ChangeMark): Promise<void>;
  /**
   * Hides a live product (deletedAt, off the listing indexes) and marks it with `mark`; ProductNotFoundError
   * if absent or deleted already.
   */
  softDeleteProduct(id: string, now: string, mark: ChangeMark): Promise<ProductRecord>;
  /** Removes the product's change mark if it is still mark `markId`; false if it was gone or newer. */
  clearChangeMark(productId: string, markId: string): Promise<boolean>;
  /** Marked products whose mark was made before `before` (ISO 8601), oldest first. */
  pendingChanges(query: { before: string; limit: number; startKey?: StartKey }): Promise<{
    items: PendingChange[];
    lastKey?: StartKey;
  }>;
  /** Updates an existing category; CategoryNotFoundError if absent. */
  updateCategory(category: CategoryRecord): Promise<void>;
}

export { categoryIdOf };

const PRODUCT_LIST = 'PRODUCT';
const CATEGORY_LIST = 'CATEGORY';
const productKey = (id: string) => ({ pk: `PRODUCT#${id}`, sk: 'PRODUCT' });
const categoryKey = (id: string) => ({ pk: `CATEGORY#${id}`, sk: 'CATEGORY' });
// The SKU guard: one item per SKU, written with its product, so two products never share a SKU.
const skuKey = (sku: string) => ({ pk: `SKU#${sku}`, sk: 'SKU' });
const nameKey = (name: string, id: string) => `${name.toLowerCase()}#${id}`;

// The outbox index (sparse): only products with a change not yet on the bus carry these attributes.
const PENDING_CHANGES_INDEX = 'byPendingChange';
const PENDING = 'PENDING';
const markAttributes = (mark: ChangeMark) => ({
  outboxPk: PENDING,
  outboxAt: mark.at,
  outboxId: mark.id,
  outboxChange: mark.change,
  outboxCorrelationId: mark.correlationId,
});
const MARK_ATTRIBUTE_NAMES = ['outboxPk', 'outboxAt', 'outboxId', 'outboxChange', 'outboxCorrelationId'];

const listingIndex = ({ categoryId, sortBy }: Pick<ProductListing, 'categoryId' | 'sortBy'>) => {
  const sortAttribute = sortBy === 'price' ? 'priceCents' : 'nameKey';
  if (categoryId !== undefined) {
    return {
      index: sortBy === 'price' ? 'byCategoryPrice' : 'byCategoryName',
      partitionAttribute: 'categoryKey',
      sortAttribute,
    };
  }
  return { index: sortBy === 'price' ? 'byPrice' : 'byName', partitionAttribute: 'listPk', sortAttribute };
};

/** The key attributes of a listing index's items: where a page of it ends, and the next one starts. */
const listingKeys = (listing: Pick<ProductListing, 'categoryId' | 'sortBy'>): string[] => {
  const { partitionAttribute, sortAttribute } = listingIndex(listing);
  return ['pk', 'sk', partitionAttribute, sortAttribute];
};

const toProductItem = (product: ProductRecord, mark?: ChangeMark) => ({
  ...productKey(product.id),
  ...product,
  nameKey: nameKey(product.name, product.id),
  // Sparse index attributes: only live products appear in listings.
  ...(product.deletedAt === undefined && { listPk: PRODUCT_LIST, categoryKey: categoryIdOf(product.category) }),
  ...(mark && markAttributes(mark)),
});

const categoryItem = (category: CategoryRecord) => ({
  ...categoryKey(category.id),
  ...category,
  listPk: CATEGORY_LIST,
  nameKey: nameKey(category.name, category.id),
});

const fromProductItem = (item: Record<string, unknown>): ProductRecord => {
  const { pk: _pk, sk: _sk, listPk: _l, categoryKey: _c, nameKey: _n, ...rest } = item;
  // The outbox mark is the table's business, not the product's: a read-modify-write must not carry it along.
  const product = Object.fromEntries(Object.entries(rest).filter(([name]) => !MARK_ATTRIBUTE_NAMES.includes(name)));
  return product as unknown as ProductRecord;
};

const fromPendingItem = (item: Record<string, unknown>): PendingChange => ({
  productId: String(item.id),
  mark: {
    id: String(item.outboxId),
    at: String(item.outboxAt),
    change: item.outboxChange as ProductChange,
    correlationId: String(item.outboxCorrelationId),
  },
});

/** Tries of a product creation whose transaction collided with another one on its items. */
const CREATE_ATTEMPTS = 5;

export const dynamoCatalogStore = (client = documentClient): CatalogStore => {
  const table = () => tableName('catalog');

  const putIfAbsent = async (item: Record<string, unknown>) => {
    try {
      await client.send(
        new PutCommand({ TableName: table(), Item: item, ConditionExpression: 'attribute_not_exists(pk)' }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  };

  // The SKU guard is the second write: createProduct reads its cancellation reason at that index.
  const createWithGuard = (product: ProductRecord, mark?: ChangeMark, alsoWrite: TransactWriteItem[] = []) =>
    client.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: table(),
              Item: toProductItem(product, mark),
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          {
            Put: {
              TableName: table(),
              Item: { ...skuKey(product.sku), sku: product.sku, productId: product.id },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          ...alsoWrite,
        ],
        // Unique per write: should the SDK resend a request whose answer was lost, DynamoDB applies it once.
        ...(mark && { ClientRequestToken: mark.id }),
      }),
    );

  return {
    async getProduct(id) {
      const { Item } = await client.send(new GetCommand({ TableName: table(), Key: productKey(id) }));
      return Item ? fromProductItem(Item) : undefined;
    },

    async getProducts(ids) {
      const unique = [...new Set(ids)];
      const found: ProductRecord[] = [];
      for (let i = 0; i < unique.length; i += 100) {
        let keys: Record<string, unknown>[] | undefined = unique.slice(i, i + 100).map(productKey);
        // BatchGet may return part of the keys under load: ask again for the rest.
        for (let attempt = 0; keys && keys.length > 0; attempt++) {
          if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 2 ** attempt * 25));
          const result: BatchGetCommandOutput = await client.send(
            new BatchGetCommand({ RequestItems: { [table()]: { Keys: keys } } }),
          );
          found.push(...(result.Responses?.[table()] ?? []).map(fromProductItem));
          keys = result.UnprocessedKeys?.[table()]?.Keys;
        }
      }
      return found;
    },

    async productsChangedSince({ since, startKey }) {
      const page = await client.send(
        new ScanCommand({
          TableName: table(),
          FilterExpression: 'sk = :product AND updatedAt >= :since',
          ExpressionAttributeValues: { ':product': 'PRODUCT', ':since': since },
          ...(startKey && { ExclusiveStartKey: startKey }),
        }),
      );
      return {
        items: (page.Items ?? []).map(fromProductItem),
        ...(page.LastEvaluatedKey && { lastKey: page.LastEvaluatedKey as StartKey }),
      };
    },

    async listProducts(listing) {
      const { index, partitionAttribute, sortAttribute } = listingIndex(listing);
      const names: Record<string, string> = { '#p': partitionAttribute };
      const values: Record<string, unknown> = { ':p': listing.categoryId ?? PRODUCT_LIST };
      let keyCondition = '#p = :p';
      let filter: string | undefined;
      if (listing.minCents !== undefined || listing.maxCents !== undefined) {
        values[':lo'] = listing.minCents ?? 0;
        values[':hi'] = listing.maxCents ?? Number.MAX_SAFE_INTEGER;
        names['#price'] = 'priceCents';
        // On a price index the range narrows the key condition; otherwise it filters.
        if (sortAttribute === 'priceCents') keyCondition += ' AND #price BETWEEN :lo AND :hi';
        else filter = '#price BETWEEN :lo AND :hi';
      }
      const { items, lastKey } = await readPage(
        (startKey, limit) =>
          client.send(
            new QueryCommand({
              TableName: table(),
              IndexName: index,
              KeyConditionExpression: keyCondition,
              ExpressionAttributeNames: names,
              ExpressionAttributeValues: values,
              ScanIndexForward: !listing.descending,
              Limit: limit,
              ...(filter && { FilterExpression: filter }),
              ...(startKey && { ExclusiveStartKey: startKey }),
            }),
          ),
        { limit: listing.limit, startKey: listing.startKey, keyNames: listingKeys(listing) },
      );
      return { items: items.map(fromProductItem), ...(lastKey && { lastKey: lastKey as StartKey }) };
    },

    listingKeyNames: listingKeys,

    async listCategories() {
      const categories: CategoryRecord[] = [];
      let startKey: Record<string, unknown> | undefined;
      do {
        const page = await client.send(
          new QueryCommand({
            TableName: table(),
            IndexName: 'byName',
            KeyConditionExpression: 'listPk = :c',
            ExpressionAttributeValues: { ':c': CATEGORY_LIST },
            ...(startKey && { ExclusiveStartKey: startKey }),
          }),
        );
        for (const item of page.Items ?? []) {
          categories.push({
            id: String(item.id),
            name: String(item.name),
            description: String(item.description ?? ''),
          });
        }
        startKey = page.LastEvaluatedKey;
      } while (startKey);
      return categories;
    },

    async putProductIfAbsent(product) {
      try {
        await createWithGuard(product);
        return true;
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) throw error;
        // Either is there already: a reload leaves both as they are, but gives data loaded before SKU
        // guards existed the guard it lacks.
        await putIfAbsent({ ...skuKey(product.sku), sku: product.sku, productId: product.id });
        return false;
      }
    },

    async createProduct(product, mark, alsoWrite) {
      for (let attempt = 1; ; attempt++) {
        try {
          await createWithGuard(product, mark, alsoWrite);
          return;
        } catch (error) {
          if (!(error instanceof TransactionCanceledException)) throw error;
          const reasons = error.CancellationReasons ?? [];
          if (reasons[1]?.Code === 'ConditionalCheckFailed') throw new SkuTakenError(product.sku);
          // Another transaction on one of the items (say, a stock update of that SKU): nothing was written, and
          // the same request (same token) can go through once it is done.
          const transient = reasons.some((r) => r.Code !== undefined && TRANSIENT_CANCELLATIONS.has(r.Code));
          if (!transient || attempt >= CREATE_ATTEMPTS) throw error;
          await backoff(attempt);
        }
      }
    },

    async replaceProduct(product, expectedUpdatedAt, mark) {
      try {
        await client.send(
          new PutCommand({
            TableName: table(),
            Item: toProductItem(product, mark),
            ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(deletedAt) AND updatedAt = :seen',
            ExpressionAttributeValues: { ':seen': expectedUpdatedAt },
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        );
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
        if (!error.Item || error.Item.deletedAt) throw new ProductNotFoundError(product.id);
        throw new ProductChangedError(product.id);
      }
    },

    async softDeleteProduct(id, now, mark) {
      const marked = Object.entries(markAttributes(mark));
      try {
        const { Attributes } = await client.send(
          new UpdateCommand({
            TableName: table(),
            Key: productKey(id),
            // Dropping the listing attributes takes the product off the sparse indexes.
            UpdateExpression: `SET deletedAt = :now, updatedAt = :now, ${marked.map(([name]) => `${name} = :${name}`).join(', ')} REMOVE listPk, categoryKey`,
            ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(deletedAt)',
            ExpressionAttributeValues: {
              ':now': now,
              ...Object.fromEntries(marked.map(([name, value]) => [`:${name}`, value])),
            },
            ReturnValues: 'ALL_NEW',
          }),
        );
        return fromProductItem(Attributes ?? {});
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) throw new ProductNotFoundError(id);
        throw error;
      }
    },

    async clearChangeMark(productId, markId) {
      try {
        await client.send(
          new UpdateCommand({
            TableName: table(),
            Key: productKey(productId),
            UpdateExpression: `REMOVE ${MARK_ATTRIBUTE_NAMES.join(', ')}`,
            ConditionExpression: 'outboxId = :id',
            ExpressionAttributeValues: { ':id': markId },
          }),
        );
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        throw error;
      }
    },

    async pendingChanges({ before, limit, startKey }) {
      const page = await client.send(
        new QueryCommand({
          TableName: table(),
          IndexName: PENDING_CHANGES_INDEX,
          KeyConditionExpression: 'outboxPk = :pending AND outboxAt < :before',
          ExpressionAttributeValues: { ':pending': PENDING, ':before': before },
          Limit: limit,
          ...(startKey && { ExclusiveStartKey: startKey }),
        }),
      );
      const lastKey = page.LastEvaluatedKey as StartKey | undefined;
      return { items: (page.Items ?? []).map(fromPendingItem), ...(lastKey && { lastKey }) };
    },

    async getCategory(id) {
      const { Item } = await client.send(new GetCommand({ TableName: table(), Key: categoryKey(id) }));
      return Item
        ? { id: String(Item.id), name: String(Item.name), description: String(Item.description ?? '') }
        : undefined;
    },

    async updateCategory(category) {
      try {
        await client.send(
          new PutCommand({
            TableName: table(),
            Item: categoryItem(category),
            ConditionExpression: 'attribute_exists(pk)',
          }),
        );
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) throw new CategoryNotFoundError(category.id);
        throw error;
      }
    },

    putCategoryIfAbsent: (category) => putIfAbsent(categoryItem(category)),
  };
};
