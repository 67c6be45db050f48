import {
  IdempotencyAlreadyInProgressError,
  IdempotencyConfig,
  makeIdempotent,
} from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Context } from 'aws-lambda';
import { tableName } from '../shared/config';
import { documentClient } from '../shared/dynamo';
import {
  DEFAULT_LOCK_MS,
  IDEMPOTENCY_PARTITION_PREFIX,
  IDEMPOTENCY_TTL_SECONDS,
  IN_PROGRESS_POLL_MS,
  IN_PROGRESS_WAIT_MS,
} from './config';
import { PaymentInProgressError } from './errors';
import type { Deadline, Once } from './service';

export type IdempotentOperation = 'charge' | 'refund';

/**
 * Powertools' DynamoDB persistence on the platform table, one instance per operation (the library
 * keeps the key prefix on the instance). Its default partition key is `idempotency#<function name>`:
 * fixed here, so that every function finds the same records.
 */
export const platformPersistence = (
  operation: IdempotentOperation,
  client: DynamoDBClient = documentClient,
): DynamoDBPersistenceLayer =>
  new DynamoDBPersistenceLayer({
    tableName: tableName('platform'),
    keyAttr: 'pk',
    sortKeyAttr: 'sk',
    expiryAttr: 'expiresAt',
    staticPkValue: `${IDEMPOTENCY_PARTITION_PREFIX}${operation}`,
    awsSdkV3Client: client,
  });

export interface OnceOptions {
  /** How long a duplicate waits for an in-progress first call before PaymentInProgressError. */
  waitMs?: number;
  pollMs?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Without a Lambda context, an in-progress record holds for the longest a payments function runs. */
const defaultDeadline: Deadline = { getRemainingTimeInMillis: () => DEFAULT_LOCK_MS };

/**
 * The Once port on Powertools' makeIdempotent. A record's key is pk `IDEMPOTENCY#payments.<operation>`,
 * sk `payments.<operation>#<md5 of {"orderId": ...}>`: derived from the order alone, with an explicit
 * keyPrefix instead of the library's default (the function's name), so that the saga's charge
 * function and the POST /payments function share one record per order.
 */
export const powertoolsOnce = (
  operation: IdempotentOperation,
  persistenceStore: BasePersistenceLayer,
  options: OnceOptions = {},
): Once => {
  const waitMs = options.waitMs ?? IN_PROGRESS_WAIT_MS;
  const pollMs = options.pollMs ?? IN_PROGRESS_POLL_MS;

  return async <T>(orderId: string, work: () => Promise<T>, deadline?: Deadline) => {
    const config = new IdempotencyConfig({
      throwOnNoIdempotencyKey: true,
      expiresAfterSeconds: IDEMPOTENCY_TTL_SECONDS,
      // The library only asks the context for the remaining time, to bound the in-progress lock.
      lambdaContext: (deadline ?? defaultDeadline) as Context,
      // Called only when a stored result is returned instead of running the work.
      responseHook: (response) => ({ ...(response as Record<string, unknown>), replayed: true }),
    });
    const run = makeIdempotent(
      async (_key: { orderId: string }) => {
        const value = await work();
        // Stored as JSON: return the same shape the duplicates will get.
        return { value: value === undefined ? null : JSON.parse(JSON.stringify(value)), replayed: false };
      },
      { persistenceStore, config, keyPrefix: `payments.${operation}` },
    );
    const giveUpAt = Date.now() + waitMs;
    for (;;) {
      try {
        return (await run({ orderId })) as { value: T; replayed: boolean };
      } catch (error) {
        if (!(error instanceof IdempotencyAlreadyInProgressError)) throw error;
        // A concurrent duplicate: wait for the first call's outcome, then take it from the record.
        if (Date.now() >= giveUpAt) throw new PaymentInProgressError(orderId);
        await sleep(pollMs * (1 + Math.random()));
      }
    }
  };
};
