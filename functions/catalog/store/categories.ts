import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import { documentClient, itemReader, putIfAbsent } from '../../shared/dynamo';
import { CategoryNotFoundError } from '../errors';
import { CATEGORY_LIST, catalogTable, categoryKey, nameKey } from './keys';

const categoryItem = z.object({
  id: z.string(),
  name: z.string(),
  description: z._default(z.string(), ''),
});
export type CategoryRecord = z.infer<typeof categoryItem>;

const fromCategoryItem = itemReader('category', categoryItem);

export interface CategoryStore {
  listCategories(): Promise<CategoryRecord[]>;
  getCategory(id: string): Promise<CategoryRecord | undefined>;
  /** Writes unless a record with that id exists; true if written. */
  putCategoryIfAbsent(category: CategoryRecord): Promise<boolean>;
  /** Updates an existing category; CategoryNotFoundError if absent. */
  updateCategory(category: CategoryRecord): Promise<void>;
}

const toCategoryItem = (category: CategoryRecord) => ({
  ...categoryKey(category.id),
  ...category,
  listPk: CATEGORY_LIST,
  nameKey: nameKey(category.name, category.id),
});

export const categoryStore = (client = documentClient): CategoryStore => ({
  async listCategories() {
    const categories: CategoryRecord[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await client.send(
        new QueryCommand({
          TableName: catalogTable(),
          IndexName: 'byName',
          KeyConditionExpression: 'listPk = :c',
          ExpressionAttributeValues: { ':c': CATEGORY_LIST },
          ...(startKey && { ExclusiveStartKey: startKey }),
        }),
      );
      categories.push(...(page.Items ?? []).map(fromCategoryItem));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return categories;
  },

  async getCategory(id) {
    const { Item } = await client.send(new GetCommand({ TableName: catalogTable(), Key: categoryKey(id) }));
    return Item ? fromCategoryItem(Item) : undefined;
  },

  putCategoryIfAbsent: (category) => putIfAbsent(client, catalogTable(), toCategoryItem(category)),

  async updateCategory(category) {
    try {
      await client.send(
        new PutCommand({
          TableName: catalogTable(),
          Item: toCategoryItem(category),
          ConditionExpression: 'attribute_exists(pk)',
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw new CategoryNotFoundError(category.id);
      throw error;
    }
  },
});
