import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { tableName } from '../shared/config';
import { documentClient } from '../shared/dynamo';

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
  /** The attribute names a listing's page key has, to validate a cursor before using it. */
  listingKeyNames(listing: Pick<ProductListing, 'categoryId' | 'sortBy'>): string[];
  listCategories(): Promise<CategoryRecord[]>;
  /** Writes unless a record with that id exists; true if written. */
  putProductIfAbsent(product: ProductRecord): Promise<boolean>;
  putCategoryIfAbsent(category: CategoryRecord): Promise<boolean>;
}

export const categoryIdOf = (name: string): string =>
  name
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');

const PRODUCT_LIST = 'PRODUCT';
const CATEGORY_LIST = 'CATEGORY';
const productKey = (id: string) => ({ pk: `PRODUCT#${id}`, sk: 'PRODUCT' });
const categoryKey = (id: string) => ({ pk: `CATEGORY#${id}`, sk: 'CATEGORY' });
const nameKey = (name: string, id: string) => `${name.toLowerCase()}#${id}`;

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

const toProductItem = (product: ProductRecord) => ({
  ...productKey(product.id),
  ...product,
  nameKey: nameKey(product.name, product.id),
  // Sparse index attributes: only live products appear in listings.
  ...(product.deletedAt === undefined && { listPk: PRODUCT_LIST, categoryKey: categoryIdOf(product.category) }),
});

const fromProductItem = (item: Record<string, unknown>): ProductRecord => {
  const { pk: _pk, sk: _sk, listPk: _l, categoryKey: _c, nameKey: _n, ...product } = item;
  return product as unknown as ProductRecord;
};

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
      const items: ProductRecord[] = [];
      let startKey: StartKey | undefined = listing.startKey;
      // Ask for no more than is missing, so the last key read is exactly where the page ends.
      do {
        const input: QueryCommandInput = {
          TableName: table(),
          IndexName: index,
          KeyConditionExpression: keyCondition,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ScanIndexForward: !listing.descending,
          Limit: listing.limit - items.length,
          ...(filter && { FilterExpression: filter }),
          ...(startKey && { ExclusiveStartKey: startKey }),
        };
        const page = await client.send(new QueryCommand(input));
        items.push(...(page.Items ?? []).map(fromProductItem));
        startKey = page.LastEvaluatedKey as StartKey | undefined;
      } while (startKey && items.length < listing.limit);
      return { items, ...(startKey && { lastKey: startKey }) };
    },

    listingKeyNames(listing) {
      const { partitionAttribute, sortAttribute } = listingIndex(listing);
      return ['pk', 'sk', partitionAttribute, sortAttribute];
    },

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

    putProductIfAbsent: (product) => putIfAbsent(toProductItem(product)),

    putCategoryIfAbsent: (category) =>
      putIfAbsent({
        ...categoryKey(category.id),
        ...category,
        listPk: CATEGORY_LIST,
        nameKey: nameKey(category.name, category.id),
      }),
  };
};
