import type {
  InventoryStore,
  ReservationChange,
  ReservationRecord,
  StockLine,
  StockRecord,
} from '../../../functions/inventory/store';

/**
 * An in-memory InventoryStore with the DynamoDB store's semantics: all-or-nothing reservations,
 * one reservation per order and SKU, transitions only from the expected status.
 */
export const memoryInventoryStore = (initial: Record<string, number> = {}) => {
  const stock = new Map<string, StockRecord>();
  const reservations = new Map<string, ReservationRecord>();
  const key = (sku: string, orderId: string) => `${sku}#${orderId}`;
  const at = '2026-01-01T00:00:00.000Z';
  for (const [sku, available] of Object.entries(initial)) {
    stock.set(sku, { sku, available, reserved: 0, sold: 0, updatedAt: at });
  }
  /** Calls of transition() still to answer 'stale' without writing (a concurrent change, simulated). */
  let staleAnswers = 0;
  const writes = { reserve: 0, transition: 0 };

  const store: InventoryStore = {
    async createStockIfAbsent(sku, available, now = new Date()) {
      if (stock.has(sku)) return false;
      stock.set(sku, { sku, available, reserved: 0, sold: 0, updatedAt: now.toISOString() });
      return true;
    },
    async getStock(sku) {
      const record = stock.get(sku);
      return record && { ...record };
    },
    async listStock({ below, limit, cursor }) {
      // Insertion order stands for the table's; the cursor is the index of the next record.
      const matching = [...stock.values()].filter((record) => below === undefined || record.available < below);
      const from = cursor === undefined ? 0 : Number(cursor);
      const items = matching.slice(from, from + limit).map((record) => ({ ...record }));
      return { items, nextCursor: from + limit < matching.length ? String(from + limit) : null };
    },
    async setAvailable(sku, available, now) {
      const before = stock.get(sku);
      const after = {
        sku,
        available,
        reserved: before?.reserved ?? 0,
        sold: before?.sold ?? 0,
        updatedAt: now.toISOString(),
      };
      stock.set(sku, after);
      return { ...(before && { before: { ...before } }), after: { ...after } };
    },
    async reserve(orderId, lines: StockLine[], { now, lowThreshold }) {
      if (new Set(lines.map((l) => l.sku)).size !== lines.length)
        throw new Error('a transaction cannot touch one item twice');
      const existing = lines.flatMap((l) => reservations.get(key(l.sku, orderId)) ?? []);
      if (existing.length > 0) return { kind: 'exists', reservations: existing.map((r) => ({ ...r })) };
      const unknown = lines.filter((l) => !stock.has(l.sku)).map((l) => l.sku);
      const short = lines.flatMap((l) => {
        const record = stock.get(l.sku);
        return record && record.available < l.quantity
          ? [{ sku: l.sku, requested: l.quantity, available: record.available }]
          : [];
      });
      if (unknown.length > 0 || short.length > 0) return { kind: 'unavailable', short, unknown };
      writes.reserve++;
      const timestamp = now.toISOString();
      return {
        kind: 'reserved',
        lines: lines.map((line) => {
          const record = stock.get(line.sku) as StockRecord;
          const before = record.available;
          record.available -= line.quantity;
          record.reserved += line.quantity;
          record.updatedAt = timestamp;
          reservations.set(key(line.sku, orderId), {
            orderId,
            sku: line.sku,
            quantity: line.quantity,
            status: 'RESERVED',
            createdAt: timestamp,
            updatedAt: timestamp,
          });
          return { ...line, crossedLow: before >= lowThreshold && record.available < lowThreshold };
        }),
      };
    },
    async getReservation(sku, orderId) {
      const record = reservations.get(key(sku, orderId));
      return record && { ...record };
    },
    async getReservations(orderId, skus) {
      return [...new Set(skus)].flatMap((sku) => {
        const record = reservations.get(key(sku, orderId));
        return record ? [{ ...record }] : [];
      });
    },
    async transition(orderId, changes: ReservationChange[], now) {
      if (staleAnswers > 0) {
        staleAnswers--;
        return 'stale';
      }
      const current = changes.map((c) => reservations.get(key(c.sku, orderId)));
      if (changes.some((c, i) => current[i]?.status !== c.from || current[i]?.quantity !== c.quantity)) return 'stale';
      for (const change of changes) {
        const record = stock.get(change.sku) as StockRecord;
        for (const [counter, delta] of Object.entries(change.counts) as [keyof typeof change.counts, number][]) {
          if (record[counter] + delta < 0) throw new Error(`${counter} of ${change.sku} would go negative`);
        }
      }
      writes.transition++;
      changes.forEach((change, i) => {
        const record = stock.get(change.sku) as StockRecord;
        for (const [counter, delta] of Object.entries(change.counts) as [keyof typeof change.counts, number][]) {
          record[counter] += delta;
        }
        Object.assign(current[i] as ReservationRecord, { status: change.to, updatedAt: now.toISOString() });
      });
      return 'applied';
    },
  };
  return {
    store,
    writes,
    stock: (sku: string) => stock.get(sku),
    reservation: (sku: string, orderId: string) => reservations.get(key(sku, orderId)),
    answerStale(times: number) {
      staleAnswers = times;
    },
    /** available + reserved + sold of a SKU. */
    total: (sku: string) => {
      const record = stock.get(sku);
      return record ? record.available + record.reserved + record.sold : 0;
    },
  };
};
