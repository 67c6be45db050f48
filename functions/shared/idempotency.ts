import {
  IdempotencyAlreadyInProgressError,
  IdempotencyConfig,
  IdempotencyValidationError,
  makeIdempotent,
} from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Context } from 'aws-lambda';
import { platformKeys } from '../../lib/spec/platform';
import { tableName } from './config';
import { documentClient } from './dynamo';

/** The part of a Lambda context that says how long the invocation may still run. */
export interface Deadline {
  getRemainingTimeInMillis(): number;
}

/**
 * Runs `work` at most once per key of `payload`, remembers the value it returns (it must survive a JSON round
 * trip) and hands that value to every duplicate (replayed: true). When `work` throws, nothing is remembered
 * and a later call runs it again. `deadline` bounds how long an in-progress record locks out duplicates.
 */
export type Once<P extends object = Record<string, unknown>> = <T>(
  payload: P,
  work: () => Promise<T>,
  deadline?: Deadline,
) => Promise<{ value: T; replayed: boolean }>;

export interface OnceOptions<P extends object = Record<string, unknown>> {
  /**
   * Names the records: pk `IDEMPOTENCY#<scope>`, sk `<scope>#<md5 of the key>`, whichever function writes them. A
   * function may touch only its scopes' partitions (lib/spec/platform.ts, its `idempotency` binding).
   */
  scope: string;
  /** How long an outcome is remembered. */
  expiresAfterSeconds: number;
  /** JMESPath of the key within the payload; without one, the whole payload is the key. */
  keyPath?: string;
  /** JMESPath of what must be the same whenever the key is; a difference throws `reused(payload)`. */
  payloadPath?: string;
  reused?: (payload: P) => Error;
  /**
   * A duplicate that finds the first call still running: without this, it throws Powertools'
   * IdempotencyAlreadyInProgressError at once (for a caller that retries on its own, such as an event
   * delivery); with it, it waits up to `waitMs`, looking every `pollMs` (jittered up to twice that), for the
   * first call's value, then throws `gaveUp(payload)`, or the in-progress error.
   */
  inProgress?: { waitMs: number; pollMs: number; gaveUp?: (payload: P) => Error };
  /** How long an in-progress record holds when the caller gives no deadline: the longest its function runs. */
  defaultLockMs?: number;
}

/**
 * Powertools' DynamoDB persistence on the platform table, one instance per scope (the library configures an
 * instance once). The partition is fixed, not the library's default of the function's name, so that every
 * function of a scope, and a test calling one directly, finds the same records.
 */
export const platformPersistence = (scope: string, client: DynamoDBClient = documentClient): DynamoDBPersistenceLayer =>
  new DynamoDBPersistenceLayer({
    tableName: tableName('platform'),
    keyAttr: 'pk',
    sortKeyAttr: 'sk',
    expiryAttr: 'expiresAt',
    staticPkValue: platformKeys.idempotency(scope),
    awsSdkV3Client: client,
  });

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What a record keeps: the value wrapped, so that a replay can be told from a first run. */
interface Kept {
  value: unknown;
  replayed: boolean;
}

const isKept = (response: unknown): response is Kept =>
  typeof response === 'object' && response !== null && 'value' in response && 'replayed' in response;

/**
 * The Once of a scope, on Powertools' makeIdempotent. The persistence is the platform table's unless given,
 * made on first use, so a module may build its Once even in a function that never calls it.
 */
export const once = <P extends object = Record<string, unknown>>(
  options: OnceOptions<P>,
  persistence?: BasePersistenceLayer,
): Once<P> => {
  let persistenceStore = persistence;
  const lockMs = options.defaultLockMs ?? 30_000;
  const defaultDeadline: Deadline = { getRemainingTimeInMillis: () => lockMs };

  return async <T>(payload: P, work: () => Promise<T>, deadline?: Deadline) => {
    persistenceStore ??= platformPersistence(options.scope);
    const config = new IdempotencyConfig({
      throwOnNoIdempotencyKey: true,
      expiresAfterSeconds: options.expiresAfterSeconds,
      ...(options.keyPath !== undefined && { eventKeyJmesPath: options.keyPath }),
      ...(options.payloadPath !== undefined && { payloadValidationJmesPath: options.payloadPath }),
      // The library only asks the context for the remaining time, to bound the in-progress lock.
      lambdaContext: (deadline?.getRemainingTimeInMillis ? deadline : defaultDeadline) as Context,
      // Called only when a stored value is returned instead of running the work. A record written before
      // values were wrapped (up to a day old during a deploy) holds the bare value: it is replayed as well.
      responseHook: (response) =>
        ({ value: isKept(response) ? response.value : response, replayed: true }) as typeof response,
    });
    const run = makeIdempotent(
      async (_payload: P): Promise<Kept> => {
        const value = await work();
        // Stored as JSON: the first caller gets the very shape the duplicates will get.
        return { value: value === undefined ? null : JSON.parse(JSON.stringify(value)), replayed: false };
      },
      { persistenceStore, config, keyPrefix: options.scope },
    );
    const giveUpAt = Date.now() + (options.inProgress?.waitMs ?? 0);
    for (;;) {
      try {
        return (await run(payload)) as { value: T; replayed: boolean };
      } catch (error) {
        if (error instanceof IdempotencyValidationError && options.reused) throw options.reused(payload);
        if (!(error instanceof IdempotencyAlreadyInProgressError) || !options.inProgress) throw error;
        if (Date.now() >= giveUpAt) throw options.inProgress.gaveUp?.(payload) ?? error;
        await sleep(options.inProgress.pollMs * (1 + Math.random()));
      }
    }
  };
};
