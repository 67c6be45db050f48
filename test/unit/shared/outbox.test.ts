import { describe, expect, it } from 'vitest';
import { domainEvent } from '../../../functions/shared/event-catalog';
import type { DomainEvent } from '../../../functions/shared/events';
import { deliver, OutboxNotEmptiedError, type OwedEvent, sweepOutbox } from '../../../functions/shared/outbox';
import { memoryOutbox } from '../support/memory-outbox';

const NOW = new Date('2026-03-01T12:00:00.000Z');
const shipped = (orderId: string, secondsAgo: number) =>
  domainEvent(
    'OrderShipped',
    'corr-1',
    { orderId, userId: 'usr_ann' },
    new Date(NOW.getTime() - secondsAgo * 1000),
  ) as OwedEvent;

const bus = (refuse: (event: DomainEvent) => boolean = () => false) => {
  const published: DomainEvent[] = [];
  const calls: number[] = [];
  return {
    published,
    calls,
    publish: async (...events: DomainEvent[]) => {
      calls.push(events.length);
      if (events.some(refuse)) throw new Error('PutEvents failed');
      published.push(...events);
    },
  };
};

describe('deliver', () => {
  it('publishes what its writer just put in the outbox, then removes it', async () => {
    const { outbox, events, put } = memoryOutbox();
    const owed = [shipped('ord_1', 0), shipped('ord_2', 0)];
    put(owed);
    const { publish, published } = bus();
    expect(await deliver({ publish, outbox }, owed)).toBe(true);
    expect(published.map((event) => event.id)).toEqual(owed.map((event) => event.id));
    expect(events.size).toBe(0);
  });

  it('never throws: an event the bus refused stays for the sweeper', async () => {
    const { outbox, events, put } = memoryOutbox();
    const owed = [shipped('ord_1', 0)];
    put(owed);
    const { publish } = bus(() => true);
    expect(await deliver({ publish, outbox }, owed)).toBe(false);
    expect([...events.keys()]).toEqual([owed[0]?.id]);
  });
});

describe('the outbox sweeper', () => {
  it('publishes the events older than the grace period, keeping their ids, and leaves the young ones to their writer', async () => {
    const { outbox, events, put } = memoryOutbox();
    const old = shipped('ord_old', 120);
    const young = shipped('ord_young', 5);
    put([old, young]);
    const { publish, published } = bus();
    expect(await sweepOutbox({ publish, outbox, now: () => NOW })).toEqual({ published: 1, failed: 0 });
    expect(published).toEqual([old]);
    expect([...events.keys()]).toEqual([young.id]);
  });

  it('publishes ten at a time (PutEvents takes ten)', async () => {
    const { outbox, put } = memoryOutbox();
    put(Array.from({ length: 23 }, (_, i) => shipped(`ord_${i}`, 60 + i)));
    const { publish, calls } = bus();
    expect((await sweepOutbox({ publish, outbox, now: () => NOW })).published).toBe(23);
    expect(calls).toEqual([10, 10, 3]);
  });

  it('does not let an event the bus refuses hold back the others, and then fails, keeping it', async () => {
    const { outbox, events, put } = memoryOutbox();
    const poison = shipped('ord_poison', 90);
    put([shipped('ord_1', 100), poison, shipped('ord_2', 80)]);
    const { publish, published } = bus((event) => event.id === poison.id);
    await expect(sweepOutbox({ publish, outbox, now: () => NOW })).rejects.toBeInstanceOf(OutboxNotEmptiedError);
    expect(published.map((event) => event.data.orderId)).toEqual(['ord_1', 'ord_2']);
    expect([...events.keys()]).toEqual([poison.id]);
  });
});
