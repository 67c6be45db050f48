import { InvalidTransitionError, OrderNotFoundError } from '../../../functions/orders/errors';
import type { OrderRecord, OrdersStore, Page } from '../../../functions/orders/store';

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
 * applies only from one of the expected statuses, appending its entry to the history, and an owed event is
 * forgotten only if it is still the one owed.
 */
export const memoryOrdersStore = (initial: OrderRecord[] = []) => {
  const records = new Map(initial.map((record) => [record.id, copy(record)]));
  const store: OrdersStore = {
    create: async (order) => {
      if (records.has(order.id)) return false;
      records.set(order.id, copy(order));
      return true;
    },
    get: async (id) => {
      const record = records.get(id);
      return record && copy(record);
    },
    transition: async (id, from, entry, extra = {}) => {
      const record = records.get(id);
      if (!record) throw new OrderNotFoundError(id);
      if (!from.includes(record.status)) throw new InvalidTransitionError(id, entry.status, record.status);
      record.status = entry.status;
      record.history.push({ ...entry });
      record.updatedAt = entry.at;
      if (extra.failureReason) record.failureReason = extra.failureReason;
      if (extra.paymentId) record.paymentId = extra.paymentId;
      if (extra.pendingEvent) record.pendingEvent = extra.pendingEvent;
      return copy(record);
    },
    clearPendingEvent: async (id, detailType) => {
      const record = records.get(id);
      if (record?.pendingEvent === detailType) delete record.pendingEvent;
    },
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
  return { store, records };
};
