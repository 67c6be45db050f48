import type { Outbox, OwedEvent } from '../../../functions/shared/outbox';

/** A table's outbox in memory: what the stores' transactions put there, by event id. */
export const memoryOutbox = () => {
  const events = new Map<string, OwedEvent>();
  const outbox: Outbox = {
    remove: async (published) => {
      for (const event of published) events.delete(event.id);
    },
    owedBefore: async (before, limit) =>
      [...events.values()]
        .filter((event) => `${event.at}#${event.id}` < before)
        .sort((a, b) => a.at.localeCompare(b.at))
        .slice(0, limit)
        .map((event) => structuredClone(event)),
  };
  /** Puts the events of a write that went through. */
  const put = (written: OwedEvent[] = []) => {
    for (const event of written) events.set(event.id, structuredClone(event));
  };
  return { outbox, events, put };
};
