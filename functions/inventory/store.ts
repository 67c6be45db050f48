import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { tableName } from '../shared/config';
import { documentClient } from '../shared/dynamo';

export const stockKey = (sku: string) => ({ pk: `STOCK#${sku}`, sk: 'STOCK' });

/** The inventory table's access: one stock record per SKU. */
export const inventoryStore = (client = documentClient) => ({
  /** Creates a SKU's stock record; an existing record (and its counts) is never overwritten. */
  async createStockIfAbsent(sku: string, available: number, now = new Date()): Promise<boolean> {
    try {
      await client.send(
        new PutCommand({
          TableName: tableName('inventory'),
          Item: { ...stockKey(sku), sku, available, reserved: 0, sold: 0, updatedAt: now.toISOString() },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  },
});
