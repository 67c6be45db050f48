import {
  type CancellationReason,
  ConditionalCheckFailedException,
  DynamoDBClient,
  TransactionCanceledException,
  TransactionInProgressException,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';

/** One document client per function instance; endpoint and region come from the standard AWS_* settings. */
export const documentClient = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
  marshallOptions: { removeUndefinedValues: true },
});

/** One write of a TransactWriteItems request, as the document client takes it. */
export type TransactWriteItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** Cancellation codes of a transaction that a later attempt can get past. */
export const TRANSIENT_CANCELLATIONS: ReadonlySet<string> = new Set([
  'TransactionConflict',
  'ThrottlingError',
  'ProvisionedThroughputExceeded',
  'RequestLimitExceeded',
]);

/** Whether one of a cancelled transaction's writes met a collision or a throttle that a later attempt can get past. */
export const anyTransient = (reasons: CancellationReason[]): boolean =>
  reasons.some((r) => r.Code !== undefined && TRANSIENT_CANCELLATIONS.has(r.Code));

/** Whether this write of a cancelled transaction failed its condition. */
export const conditionFailed = (reason: CancellationReason | undefined): boolean =>
  reason?.Code === 'ConditionalCheckFailed';

/** Waits before attempt `attempt` (1, 2, ...): full jitter, so that requests which collided do not collide again in step. */
export const backoff = (attempt: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(1000, 20 * 2 ** attempt)));

/** What a failed attempt comes to: the answer after all, or another attempt (at once, or after a backoff). */
export type AttemptOutcome<T> = { result: T } | { retry: 'now' | 'after-backoff' };
export const RETRY_NOW = { retry: 'now' } as const;
export const RETRY_AFTER_BACKOFF = { retry: 'after-backoff' } as const;

type Verdict<T> = AttemptOutcome<T> | undefined | Promise<AttemptOutcome<T> | undefined>;

export interface TransactRetry<T> {
  /** Attempts in all, the first one included. */
  attempts: number;
  /** Sends the transaction; `attempt` counts from 1 (a request may change between attempts). */
  send(attempt: number): Promise<T>;
  /**
   * Reads a cancellation's reasons (one per write, in order): an answer, another attempt, or a thrown error.
   * Undefined (or no reader) falls back to: another attempt after a backoff if a reason is transient, else the
   * cancellation is thrown.
   */
  cancelled?(reasons: CancellationReason[], error: TransactionCanceledException): Verdict<T>;
  /** TransactionInProgressException (a request with the same token still running): tried again after a backoff, or thrown (the default). */
  retryInProgress?: boolean;
  /** Any other error (IdempotentParameterMismatchException, say): an answer or another attempt; undefined throws it. */
  otherError?(error: unknown): Verdict<T>;
  /** The error thrown once every attempt failed; the last attempt's error by default. */
  exhausted?(lastError: unknown): Error;
}

/** A TransactWriteItems request tried until it goes through, an answer is read from its failure, or the attempts are spent. */
export const transactWithRetry = async <T>(options: TransactRetry<T>): Promise<T> => {
  const judge = async (error: unknown): Promise<AttemptOutcome<T>> => {
    if (error instanceof TransactionCanceledException) {
      const reasons = error.CancellationReasons ?? [];
      const verdict = await options.cancelled?.(reasons, error);
      if (verdict) return verdict;
      if (anyTransient(reasons)) return RETRY_AFTER_BACKOFF;
      throw error;
    }
    if (options.retryInProgress && error instanceof TransactionInProgressException) return RETRY_AFTER_BACKOFF;
    const verdict = await options.otherError?.(error);
    if (verdict) return verdict;
    throw error;
  };

  let lastError: unknown;
  let wait = false;
  for (let attempt = 1; attempt <= options.attempts; attempt++) {
    if (wait) await backoff(attempt - 1);
    try {
      return await options.send(attempt);
    } catch (error) {
      lastError = error;
      const outcome = await judge(error);
      if ('result' in outcome) return outcome.result;
      wait = outcome.retry === 'after-backoff';
    }
  }
  throw options.exhausted ? options.exhausted(lastError) : lastError;
};

/** Puts the item unless an item with its key exists; true if written. */
export const putIfAbsent = async (
  client: DynamoDBDocumentClient,
  table: string,
  item: Record<string, unknown>,
): Promise<boolean> => {
  try {
    await client.send(
      new PutCommand({ TableName: table, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }),
    );
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
};

/** A stored item that lacks its record's shape: a bug or a hand edit, never the caller's fault (a 500). */
export class MalformedItemError extends Error {
  constructor(kind: string, item: Record<string, unknown>, issues: readonly z.core.$ZodIssue[]) {
    // Paths and expectations only: an item's values may be secrets (a password hash) or personal data.
    const problems = issues
      .map(
        (issue) =>
          `${issue.path.join('.') || '(item)'}: ${'expected' in issue ? `expected ${issue.expected}` : issue.code}`,
      )
      .join('; ');
    super(`Malformed ${kind} item ${String(item.pk)}/${String(item.sk)}: ${problems}`);
    this.name = 'MalformedItemError';
  }
}

/**
 * Reads one kind of record from its items: the schema's fields only (keys and index attributes fall away), or a
 * MalformedItemError naming the item and what is wrong with it.
 */
export const itemReader =
  <S extends z.ZodMiniType>(kind: string, schema: S) =>
  (item: Record<string, unknown>): z.output<S> => {
    const parsed = z.safeParse(schema, item);
    if (!parsed.success) throw new MalformedItemError(kind, item, parsed.error.issues);
    return parsed.data;
  };
