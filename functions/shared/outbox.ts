import type { DomainEvent } from './event-catalog';
import { logger } from './logger';

/**
 * The transactional outbox of a bounded context's events (orders, payments): a write that makes an event true puts
 * the event in its own table in the same transaction (outbox-store.ts), the writer publishes it right after and
 * removes it (deliver), and a scheduled sweeper publishes whatever is still there after a grace period (the
 * writer's publish failed, or its process died). An event is thus on the bus at least once whatever fails; it keeps
 * its id (`eventId`) on every publish, and consumers do an event once per id.
 */

/** An event owed to the bus: it has its id and time, kept on every publish. */
export type OwedEvent = DomainEvent & { id: string; at: string };

/** How long an event is left to its writer before the sweeper publishes it (a writer publishes within a second). */
export const OUTBOX_GRACE_MS = 30_000;

/** PutEvents takes at most 10 entries. */
const PUT_EVENTS_MAX = 10;

/** The event with an id and a time of its own, as the outbox keeps it. */
export const owed = (event: DomainEvent): OwedEvent => ({
  ...event,
  id: event.id ?? globalThis.crypto.randomUUID(),
  at: event.at ?? new Date().toISOString(),
});

export interface Outbox {
  /** Forgets events that are on the bus. */
  remove(events: OwedEvent[]): Promise<void>;
  /** Events put before `before` (ISO 8601), oldest first; at most about `limit`. */
  owedBefore(before: string, limit: number): Promise<OwedEvent[]>;
}

export interface DeliveryDeps {
  publish: (...events: DomainEvent[]) => Promise<void>;
  outbox: Pick<Outbox, 'remove'>;
}

const chunks = <T>(items: T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

/**
 * Publishes events that their writer has just put in the outbox with its change, then removes them. Never throws:
 * the change is made, and an event not published (or not removed) stays for the sweeper. True if all went out.
 */
export const deliver = async (deps: DeliveryDeps, events: OwedEvent[]): Promise<boolean> => {
  let delivered = true;
  for (const batch of chunks(events, PUT_EVENTS_MAX)) {
    try {
      await deps.publish(...batch);
    } catch (error) {
      logger.warn('events left in the outbox for its sweeper', {
        error,
        events: batch.map((event) => ({ detailType: event.detailType, eventId: event.id })),
      });
      delivered = false;
      continue;
    }
    try {
      await deps.outbox.remove(batch);
    } catch (error) {
      // Published: the sweeper publishes it once more, which consumers (once per eventId) take in their stride.
      logger.warn('published events not removed from the outbox', { error });
    }
  }
  return delivered;
};

export interface SweepDeps {
  publish: (...events: DomainEvent[]) => Promise<void>;
  outbox: Outbox;
  now?: () => Date;
}

export class OutboxNotEmptiedError extends Error {
  override name = 'OutboxNotEmptiedError';
}

/**
 * The sweeper: publishes every event older than the grace period and removes it. An event that cannot be published
 * (the bus refuses it) does not hold back the others; the sweep then throws, so that the scheduled invocation
 * fails (and the context's Lambda errors alarm sees it), and the event waits for the next run.
 */
export const sweepOutbox = async (
  deps: SweepDeps,
  { graceMs = OUTBOX_GRACE_MS, maxEvents = 500 }: { graceMs?: number; maxEvents?: number } = {},
): Promise<{ published: number; failed: number }> => {
  const before = new Date((deps.now?.() ?? new Date()).getTime() - graceMs).toISOString();
  const pending = await deps.outbox.owedBefore(before, maxEvents);
  let published = 0;
  let failed = 0;
  for (const batch of chunks(pending, PUT_EVENTS_MAX)) {
    // One at a time only once a batch fails, to find the events the bus refuses.
    const attempts = await publishBatch(deps, batch);
    for (const [event, error] of attempts) {
      if (error === undefined) published++;
      else {
        failed++;
        logger.error('outbox event not published', { error, detailType: event.detailType, eventId: event.id });
      }
    }
  }
  if (failed > 0) throw new OutboxNotEmptiedError(`${failed} of ${pending.length} owed events not published`);
  return { published, failed };
};

const publishBatch = async (deps: SweepDeps, batch: OwedEvent[]): Promise<[OwedEvent, unknown][]> => {
  try {
    await deps.publish(...batch);
    await deps.outbox.remove(batch);
    return batch.map((event) => [event, undefined]);
  } catch {
    const outcomes: [OwedEvent, unknown][] = [];
    for (const event of batch) {
      try {
        await deps.publish(event);
        await deps.outbox.remove([event]);
        outcomes.push([event, undefined]);
      } catch (error) {
        outcomes.push([event, error]);
      }
    }
    return outcomes;
  }
};
