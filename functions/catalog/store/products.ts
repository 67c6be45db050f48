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
import * as z from 'zod/mini';
import { type KeySchema, keySchema } from '../../shared/cursor';
import {
  conditionFailed,
  documentClient,
  itemReader,
  putIfAbsent,
  type TransactWriteItem,
  transactWithRetry,
} from '../../shared/dynamo';
import { readPage } from '../../shared/paging';
import { categoryIdOf } from '../category-id';
import { ProductChangedError, ProductNotFoundError, SkuTakenError } from '../errors';
import { catalogTable, nameKey, PRODUCT_LIST, productKey, type StartKey, skuKey } from './keys';
import { type ChangeMark, markAttributes } from './outbox';

const productItem = z.object({
  id: z.string(),
  sku: z.string(),
  name: z.string(),
  description: z.string(),
  priceCents: z.number(),
  currency: z.string(),
  category: z.string(),
  brand: z.string(),
  images: z.array(z.string()),
  attributes: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** Set on a soft delete: hidden from browsing and search, kept for past orders. */
  deletedAt: z.optional(z.string()),
});
export type ProductRecord = z.infer<typeof productItem>;

// The schema's fields only: the keys, the listing attributes and the outbox mark are the table's business, and a
// read-modify-write must not carry them along.
const fromProductItem = itemReader('product', productItem);

export type ProductSortField = 'name' | 'price';

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

export interface ProductStore {
  getProduct(id: string): Promise<ProductRecord | undefined>;
  getProducts(ids: string[]): Promise<ProductRecord[]>;
  listProducts(listing: ProductListing): Promise<{ items: ProductRecord[]; lastKey?: StartKey }>;
  /** Every product, deleted ones included, last changed at or after `since` (a scan: for rebuilds, not requests). */
  productsChangedSince(page: {
    since: string;
    startKey?: StartKey;
  }): Promise<{ items: ProductRecord[]; lastKey?: StartKey }>;
  /** The attribute names a listing's page key has, to validate a cursor before using it. */
  listingKeySchema(listing: Pick<ProductListing, 'categoryId' | 'sortBy'>): KeySchema;
  /** Writes unless a record with that id exists; true if written. */
  putProductIfAbsent(product: ProductRecord): Promise<boolean>;
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
}

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
const listingKeys = (listing: Pick<ProductListing, 'categoryId' | 'sortBy'>): KeySchema =>
  keySchema('catalog', listingIndex(listing).index);

const toProductItem = (product: ProductRecord, mark?: ChangeMark) => ({
  ...productKey(product.id),
  ...product,
  nameKey: nameKey(product.name, product.id),
  // Sparse index attributes: only live products appear in listings.
  ...(product.deletedAt === undefined && { listPk: PRODUCT_LIST, categoryKey: categoryIdOf(product.category) }),
  ...(mark && markAttributes(mark)),
});

const skuGuardItem = (product: ProductRecord) => ({ ...skuKey(product.sku), sku: product.sku, productId: product.id });

/** Tries of a product creation whose transaction collided with another one on its items. */
const CREATE_ATTEMPTS = 5;

export const productStore = (client = documentClient): ProductStore => {
  const table = catalogTable;

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
              Item: skuGuardItem(product),
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
        { limit: listing.limit, startKey: listing.startKey, keyNames: Object.keys(listingKeys(listing)) },
      );
      return { items: items.map(fromProductItem), ...(lastKey && { lastKey: lastKey as StartKey }) };
    },

    listingKeySchema: listingKeys,

    async putProductIfAbsent(product) {
      try {
        await createWithGuard(product);
        return true;
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) throw error;
        // Either is there already: a reload leaves both as they are, but gives data loaded before SKU
        // guards existed the guard it lacks.
        await putIfAbsent(client, table(), skuGuardItem(product));
        return false;
      }
    },

    createProduct: (product, mark, alsoWrite) =>
      transactWithRetry({
        attempts: CREATE_ATTEMPTS,
        send: async () => {
          await createWithGuard(product, mark, alsoWrite);
        },
        // Otherwise another transaction on one of the items (say, a stock update of that SKU) is a transient
        // collision: nothing was written, and the same request (same token) can go through once it is done.
        cancelled: (reasons) => {
          if (conditionFailed(reasons[1])) throw new SkuTakenError(product.sku);
          return undefined;
        },
      }),

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
  };
};
