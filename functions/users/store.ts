import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
  UpdateCommand,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import { tableName } from '../shared/config';
import { documentClient, itemReader } from '../shared/dynamo';
import { EmailTakenError, UserNotFoundError } from './errors';
import type { Role } from './schemas';

const ROLES = ['customer', 'admin'] as const satisfies readonly Role[];

const userItem = z.object({
  id: z.string(),
  email: z.string(),
  first_name: z.string(),
  last_name: z.string(),
  role: z.enum(ROLES),
  passwordHash: z.string(),
  /** Raised on a password change: tokens issued under an older version stop working. */
  tokenVersion: z.number(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type UserRecord = z.infer<typeof userItem>;

export interface SessionState {
  /** Absent when the user no longer exists. */
  user?: Pick<UserRecord, 'role' | 'tokenVersion'>;
  revoked: boolean;
}

const userKey = (id: string) => ({ pk: `USER#${id}`, sk: 'PROFILE' });
const emailKey = (email: string) => ({ pk: `EMAIL#${email}`, sk: 'EMAIL' });
const revokedKey = (userId: string, tokenId: string) => ({ pk: `USER#${userId}`, sk: `REVOKED#${tokenId}` });

const fromItem = itemReader('user', userItem);
const fromSessionItem = itemReader('user session', z.pick(userItem, { role: true, tokenVersion: true }));

/** The users table: profiles, the email-uniqueness guard and revoked sessions. */
export const usersStore = (client = documentClient) => {
  const table = () => tableName('users');
  return {
    /** Creates the user and claims its email in one transaction; a taken email fails it whole. */
    async create(user: UserRecord): Promise<void> {
      try {
        await client.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName: table(),
                  Item: { ...emailKey(user.email), userId: user.id },
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
              {
                Put: {
                  TableName: table(),
                  Item: { ...userKey(user.id), ...user },
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
            ],
          }),
        );
      } catch (error) {
        const reasons = error instanceof TransactionCanceledException ? error.CancellationReasons : undefined;
        if (reasons?.[0]?.Code === 'ConditionalCheckFailed') throw new EmailTakenError();
        throw error;
      }
    },

    async getById(id: string): Promise<UserRecord | undefined> {
      const { Item } = await client.send(new GetCommand({ TableName: table(), Key: userKey(id) }));
      return Item ? fromItem(Item) : undefined;
    },

    async getByEmail(email: string): Promise<UserRecord | undefined> {
      const { Item } = await client.send(new GetCommand({ TableName: table(), Key: emailKey(email) }));
      return typeof Item?.userId === 'string' ? this.getById(Item.userId) : undefined;
    },

    async updateProfile(
      id: string,
      changes: Partial<Pick<UserRecord, 'first_name' | 'last_name' | 'role'>>,
      now: Date,
    ): Promise<UserRecord> {
      const entries = Object.entries({ ...changes, updated_at: now.toISOString() }).filter(([, v]) => v !== undefined);
      const input: UpdateCommandInput = {
        TableName: table(),
        Key: userKey(id),
        UpdateExpression: `SET ${entries.map((_, i) => `#f${i} = :v${i}`).join(', ')}`,
        ExpressionAttributeNames: Object.fromEntries(entries.map(([name], i) => [`#f${i}`, name])),
        ExpressionAttributeValues: Object.fromEntries(entries.map(([, value], i) => [`:v${i}`, value])),
        ConditionExpression: 'attribute_exists(pk)',
        ReturnValues: 'ALL_NEW',
      };
      try {
        const { Attributes } = await client.send(new UpdateCommand(input));
        return fromItem(Attributes ?? {});
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) throw new UserNotFoundError();
        throw error;
      }
    },

    /**
     * Replaces the hash and raises the token version, only if nobody changed it meanwhile (two
     * concurrent changes cannot both win). Returns the new record, or undefined if the version moved.
     */
    async changePassword(user: UserRecord, passwordHash: string, now: Date): Promise<UserRecord | undefined> {
      try {
        const { Attributes } = await client.send(
          new UpdateCommand({
            TableName: table(),
            Key: userKey(user.id),
            UpdateExpression: 'SET passwordHash = :hash, tokenVersion = :next, updated_at = :now',
            ConditionExpression: 'tokenVersion = :current',
            ExpressionAttributeValues: {
              ':hash': passwordHash,
              ':next': user.tokenVersion + 1,
              ':current': user.tokenVersion,
              ':now': now.toISOString(),
            },
            ReturnValues: 'ALL_NEW',
          }),
        );
        return fromItem(Attributes ?? {});
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return undefined;
        throw error;
      }
    },

    /** Makes one token unusable until it would have expired anyway (then TTL removes the record). */
    async revoke(userId: string, tokenId: string, expiresAt: number): Promise<void> {
      await client.send(
        new PutCommand({ TableName: table(), Item: { ...revokedKey(userId, tokenId), userId, tokenId, expiresAt } }),
      );
    },

    /** What a token check needs, in one request: the user's role and token version, and the revocation. */
    async sessionState(userId: string, tokenId: string): Promise<SessionState> {
      const items: Record<string, unknown>[] = [];
      let keys: Record<string, unknown>[] | undefined = [userKey(userId), revokedKey(userId, tokenId)];
      // A batch may come back partly unprocessed under load: ask again for the rest, with backoff.
      for (let attempt = 0; keys && keys.length > 0; attempt++) {
        if (attempt > 3) throw new Error('Session state unavailable: DynamoDB kept keys unprocessed');
        if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 2 ** attempt * 20));
        const result: BatchGetCommandOutput = await client.send(
          new BatchGetCommand({
            RequestItems: {
              [table()]: {
                Keys: keys,
                ProjectionExpression: 'sk, #role, tokenVersion',
                ExpressionAttributeNames: { '#role': 'role' },
              },
            },
          }),
        );
        items.push(...(result.Responses?.[table()] ?? []));
        keys = result.UnprocessedKeys?.[table()]?.Keys;
      }
      const profile = items.find((item) => item.sk === 'PROFILE');
      return {
        ...(profile && { user: fromSessionItem(profile) }),
        revoked: items.some((item) => item.sk !== 'PROFILE'),
      };
    },
  };
};

export type UsersStore = ReturnType<typeof usersStore>;
