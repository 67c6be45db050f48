import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { platformKeys } from '../../lib/spec/platform';
import { tableName } from '../shared/config';
import { documentClient } from '../shared/dynamo';

export interface JournalEntry {
  id: string;
  source: string;
  detailType: string;
  time: string;
  correlationId?: string;
  detail: unknown;
  /** Epoch seconds; DynamoDB's TTL removes the entry after it. */
  expiresAt: number;
}

/** The platform table's access for the event journal and the health probe. */
export const platformStore = (client = documentClient) => ({
  /** Idempotent per event id: a redelivered event is kept once. Returns false for a duplicate. */
  async recordEvent(entry: JournalEntry): Promise<boolean> {
    try {
      await client.send(
        new PutCommand({
          TableName: tableName('platform'),
          Item: {
            ...platformKeys.event(entry.id),
            gsi1pk: platformKeys.eventsOfDay(entry.time.slice(0, 10)),
            gsi1sk: `${entry.time}#${entry.id}`,
            ...entry,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  },

  async getEvent(id: string) {
    const { Item } = await client.send(
      new GetCommand({ TableName: tableName('platform'), Key: platformKeys.event(id) }),
    );
    return Item as JournalEntry | undefined;
  },

  /** One cheap read that proves the table is reachable with this function's grant. */
  async probe(): Promise<void> {
    await client.send(new GetCommand({ TableName: tableName('platform'), Key: platformKeys.health }));
  },
});
