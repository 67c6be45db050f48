import {
  type CancellationReason,
  TransactionCanceledException,
  TransactionInProgressException,
} from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { itemReader, MalformedItemError, RETRY_NOW, transactWithRetry } from '../../../functions/shared/dynamo';

const cancelled = (...codes: string[]) =>
  new TransactionCanceledException({
    message: 'Transaction cancelled',
    $metadata: {},
    CancellationReasons: codes.map((Code): CancellationReason => ({ Code })),
  });

/** A `send` that fails with the given errors, in order, then answers 'done'; `calls` counts the attempts. */
const scripted = (...errors: Error[]) => {
  const calls: number[] = [];
  return {
    calls,
    send: async (attempt: number) => {
      calls.push(attempt);
      const error = errors.shift();
      if (error) throw error;
      return 'done';
    },
  };
};

describe('transactWithRetry', () => {
  it('tries a transient cancellation again until it goes through', async () => {
    const { send, calls } = scripted(cancelled('TransactionConflict'), cancelled('None', 'ThrottlingError'));
    await expect(transactWithRetry({ attempts: 5, send })).resolves.toBe('done');
    expect(calls).toEqual([1, 2, 3]);
  });

  it('throws the last error once the attempts are spent, or the exhausted one', async () => {
    const conflicts = () => Array.from({ length: 4 }, () => cancelled('TransactionConflict'));
    const first = scripted(...conflicts());
    await expect(transactWithRetry({ attempts: 3, send: first.send })).rejects.toBeInstanceOf(
      TransactionCanceledException,
    );
    expect(first.calls).toEqual([1, 2, 3]);
    const second = scripted(...conflicts());
    await expect(
      transactWithRetry({ attempts: 3, send: second.send, exhausted: () => new Error('busy') }),
    ).rejects.toThrow('busy');
  });

  it('throws a cancellation nothing transient caused, unless the reader answers it', async () => {
    const plain = scripted(cancelled('None', 'ConditionalCheckFailed'));
    await expect(transactWithRetry({ attempts: 5, send: plain.send })).rejects.toBeInstanceOf(
      TransactionCanceledException,
    );
    expect(plain.calls).toEqual([1]);
    const read = scripted(cancelled('None', 'ConditionalCheckFailed'));
    const answer = await transactWithRetry({
      attempts: 5,
      send: read.send,
      cancelled: (reasons) => (reasons[1]?.Code === 'ConditionalCheckFailed' ? { result: 'taken' } : undefined),
    });
    expect(answer).toBe('taken');
  });

  it('tries a transaction still in progress again only when asked to', async () => {
    const thrown = scripted(new TransactionInProgressException({ message: 'busy', $metadata: {} }));
    await expect(transactWithRetry({ attempts: 5, send: thrown.send })).rejects.toBeInstanceOf(
      TransactionInProgressException,
    );
    const retried = scripted(new TransactionInProgressException({ message: 'busy', $metadata: {} }));
    await expect(transactWithRetry({ attempts: 5, send: retried.send, retryInProgress: true })).resolves.toBe('done');
    expect(retried.calls).toEqual([1, 2]);
  });

  it('hands other errors to their reader, and throws them without one', async () => {
    const other = scripted(new Error('token reused'));
    await expect(transactWithRetry({ attempts: 5, send: other.send, otherError: () => RETRY_NOW })).resolves.toBe(
      'done',
    );
    const bare = scripted(new Error('token reused'));
    await expect(transactWithRetry({ attempts: 5, send: bare.send })).rejects.toThrow('token reused');
    expect(bare.calls).toEqual([1]);
  });
});

describe('itemReader', () => {
  const read = itemReader('thing', z.object({ id: z.string(), count: z.number(), note: z.optional(z.string()) }));

  it("keeps the record's fields and drops the keys and index attributes", () => {
    expect(read({ pk: 'THING#1', sk: 'THING', gsi1pk: 'X', id: '1', count: 2 })).toEqual({ id: '1', count: 2 });
  });

  it('refuses an item without the shape, naming where, never the values', () => {
    const reading = () => read({ pk: 'THING#1', sk: 'THING', id: 'secret-value', count: 'two' });
    expect(reading).toThrow(MalformedItemError);
    expect(reading).toThrow('Malformed thing item THING#1/THING: count: expected number');
    expect(reading).not.toThrow(/secret-value|two/);
  });
});
