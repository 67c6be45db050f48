import { InvalidTransitionError, OrderNotFoundError } from '../../../functions/orders/errors';
import type { OrderRecord, OrdersStore, Page } from '../../../functions/orders/store';
import { memoryOutbox } from '../support/memory-outbox';

const copy = (record: OrderRecord): OrderRecord => structuredClone(record);

/** Newest first, as the table's indexes sort `<createdAt>#<id>`; the cursor is the offset of the next item. */
const page = (records: OrderRecord[], limit: number, cursor?: string): Page<OrderRecord> => {
  const sorted = [...records].sort((a, b) => `${b.createdAt}#${b.id}`.localeCompare(`${a.createdAt}#${a.id}`));
  const start = cursor ? Number(cursor) : 0;
  const end = start + limit;
  return { items: sorted.slice(start, end).map(copy), nextCursor: end < sorted.length ? String(end) : null };
};

/**
 * An in-memory OrdersStore with the DynamoDB store's conditions: an id is created once, a status change
 * applies only from one of the expected statuses, appending its entry to the history, a run is claimed only by
 * the one who read the order's last run, and the events a write owes go in its outbox only if the write applies.
 */
export const memoryOrdersStore = (initial: OrderRecord[] = []) => {
  const records = new Map(initial.map((record) => [record.id, copy(record)]));
  const { outbox, events: owed, put } = memoryOutbox();
  const store: OrdersStore = {
    create: async (order, events) => {
      if (records.has(order.id)) return false;
      records.set(order.id, copy(order));
      put(events);
      return true;
    },
    get: async (id) => {
      const record = records.get(id);
      return record && copy(record);
    },
    transition: async (id, from, entry, extra = {}, events = []) => {
      const record = records.get(id);
      if (!record) throw new OrderNotFoundError(id);
      if (!from.includes(record.status)) throw new InvalidTransitionError(id, entry.status, record.status);
      record.status = entry.status;
      record.history.push({ ...entry });
      record.updatedAt = entry.at;
      if (extra.failureReason) record.failureReason = extra.failureReason;
      if (extra.paymentId) record.paymentId = extra.paymentId;
      if (extra.attention) record.attention = structuredClone(extra.attention);
      if (extra.clearAttention) delete record.attention;
      put(events);
      return copy(record);
    },
    claimRun: async (id, claim) => {
      const record = records.get(id);
      if (!record || !claim.statuses.includes(record.status) || (record.runs ?? 0) !== claim.runsBefore) return false;
      record.runs = claim.runsBefore + 1;
      record.execution = claim.name;
      return true;
    },
    pendingSince: async (before, limit) =>
      [...records.values()]
        .filter((record) => record.status === 'PENDING' && `${record.createdAt}#${record.id}` < before)
        .sort((a, b) => `${a.createdAt}#${a.id}`.localeCompare(`${b.createdAt}#${b.id}`))
        .slice(0, limit)
        .map(copy),
    listByUser: async (userId, limit, cursor) =>
      page(
        [...records.values()].filter((record) => record.userId === userId),
        limit,
        cursor,
      ),
    listByStatus: async (status, limit, cursor) =>
      page(
        [...records.values()].filter((record) => record.status === status),
        limit,
        cursor,
      ),
    listAll: async (limit, cursor) => page([...records.values()], limit, cursor),
  };
  return { store, records, outbox, owed };
};
