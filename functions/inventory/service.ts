import { CheckoutStalledError } from '../shared/errors';
import type { DomainEvent } from '../shared/events';
import {
  InvalidReservationTransitionError,
  OutOfStockError,
  ReservationConflictError,
  ReservationNotFoundError,
  StockContentionError,
  StockNotFoundError,
} from './errors';
import type { OrderStockInput, Reservation, Stock } from './schemas';
import type {
  Counter,
  InventoryStore,
  ReservationChange,
  ReservationRecord,
  ReservationStatus,
  StockLine,
  StockRecord,
} from './store';

/** A SKU whose `available` falls from at least this to below it raises InventoryLow. */
export const LOW_STOCK_THRESHOLD = 5;

export interface InventoryDeps {
  store: InventoryStore;
  now?: () => Date;
}

/** Only the functions that can take stock below the threshold publish (and load the bus client). */
export interface AlertDeps {
  publish: (...events: DomainEvent[]) => Promise<void>;
  logger: { error(message: string, extra: Record<string, unknown>): void };
}

export interface OrderStock {
  orderId: string;
  lines: StockLine[];
}

export interface OrderStockStatus {
  orderId: string;
  lines: (StockLine & { status: ReservationStatus })[];
}

const clock = (deps: InventoryDeps) => (deps.now ?? (() => new Date()))();

export const toStock = (record: StockRecord): Stock => ({
  sku: record.sku,
  available: record.available,
  reserved: record.reserved,
});

export const toReservation = (record: ReservationRecord): Reservation => ({
  orderId: record.orderId,
  sku: record.sku,
  quantity: record.quantity,
  status: record.status,
  createdAt: record.createdAt,
  updatedAt: record.updatedAt,
});

/** One line per SKU: a transaction cannot touch one item twice. */
export const mergeLines = (lines: StockLine[]): StockLine[] => {
  const merged = new Map<string, number>();
  for (const line of lines) merged.set(line.sku, (merged.get(line.sku) ?? 0) + line.quantity);
  return [...merged].map(([sku, quantity]) => ({ sku, quantity }));
};

/** InventoryLow, at most once per crossing. A lost alert is logged: it must never undo the stock change. */
const alertLowStock = async (
  deps: InventoryDeps & AlertDeps,
  crossed: { sku: string; available?: number }[],
  correlationId: string,
) => {
  if (crossed.length === 0) return;
  try {
    // A reservation's write proves the crossing but not the count it left: read it.
    const stock = await Promise.all(
      crossed.map(async ({ sku, available }) => ({
        sku,
        available: available ?? (await deps.store.getStock(sku))?.available ?? 0,
      })),
    );
    const events: DomainEvent[] = stock.map((s) => ({
      context: 'inventory',
      detailType: 'InventoryLow',
      version: 1,
      correlationId,
      data: { sku: s.sku, available: s.available, threshold: LOW_STOCK_THRESHOLD },
    }));
    // PutEvents takes at most 10 entries.
    for (let i = 0; i < events.length; i += 10) await deps.publish(...events.slice(i, i + 10));
  } catch (error) {
    deps.logger.error('InventoryLow not published', { error, skus: crossed.map((c) => c.sku) });
  }
};

export const getStock = async (deps: InventoryDeps, sku: string): Promise<Stock> => {
  const record = await deps.store.getStock(sku);
  if (!record) throw new StockNotFoundError(sku);
  return toStock(record);
};

export const DEFAULT_STOCK_PAGE = 50;

/** Admin: the stock records, optionally only those with fewer than `below` available; cursor pagination. */
export const listStock = async (
  deps: InventoryDeps,
  query: { below?: number; limit?: number; cursor?: string },
): Promise<{ items: Stock[]; nextCursor: string | null }> => {
  const page = await deps.store.listStock({
    limit: query.limit ?? DEFAULT_STOCK_PAGE,
    ...(query.below !== undefined && { below: query.below }),
    ...(query.cursor !== undefined && { cursor: query.cursor }),
  });
  return { items: page.items.map(toStock), nextCursor: page.nextCursor };
};

/** Admin: sets what is on sale (reservations and sales stay as they are); creates the SKU's record if absent. */
export const setStock = async (
  deps: InventoryDeps & AlertDeps,
  sku: string,
  available: number,
  correlationId: string,
): Promise<Stock> => {
  const { before, after } = await deps.store.setAvailable(sku, available, clock(deps));
  if (before && before.available >= LOW_STOCK_THRESHOLD && after.available < LOW_STOCK_THRESHOLD) {
    await alertLowStock(deps, [{ sku, available: after.available }], correlationId);
  }
  return toStock(after);
};

/**
 * Admin: reserves one SKU for an order. Idempotent per order and SKU: asking again returns the
 * reservation it holds (whatever became of it) and takes nothing more.
 */
export const reserveForOrder = async (
  deps: InventoryDeps & AlertDeps,
  request: { sku: string; orderId: string; quantity: number },
  correlationId: string,
): Promise<{ created: boolean; reservation: Reservation }> => {
  const { sku, orderId, quantity } = request;
  const now = clock(deps);
  const outcome = await deps.store.reserve(orderId, [{ sku, quantity }], { now, lowThreshold: LOW_STOCK_THRESHOLD });
  switch (outcome.kind) {
    case 'reserved': {
      await alertLowStock(
        deps,
        outcome.lines.filter((line) => line.crossedLow),
        correlationId,
      );
      const at = now.toISOString();
      return {
        created: true,
        reservation: { orderId, sku, quantity, status: 'RESERVED', createdAt: at, updatedAt: at },
      };
    }
    case 'exists': {
      const held = outcome.reservations.find((r) => r.sku === sku);
      if (!held || held.quantity !== quantity) {
        throw new ReservationConflictError(
          `Order ${orderId} holds a reservation of ${held?.quantity ?? 'another quantity of'} ${sku}, not ${quantity}`,
        );
      }
      return { created: false, reservation: toReservation(held) };
    }
    case 'unavailable':
      if (outcome.unknown.length > 0) throw new StockNotFoundError(sku);
      throw new OutOfStockError(outcome.short);
  }
};

/**
 * Checkout step: reserves every line of the order or none. A retry (or a second delivery) finds the
 * order's reservations and succeeds without touching the stock again.
 */
export const reserveOrderStock = async (
  deps: InventoryDeps & AlertDeps,
  input: OrderStockInput,
): Promise<OrderStock> => {
  const lines = mergeLines(input.lines);
  const outcome = await deps.store.reserve(input.orderId, lines, {
    now: clock(deps),
    lowThreshold: LOW_STOCK_THRESHOLD,
  });
  switch (outcome.kind) {
    case 'reserved':
      await alertLowStock(
        deps,
        outcome.lines.filter((line) => line.crossedLow),
        input.correlationId ?? input.orderId,
      );
      return { orderId: input.orderId, lines };
    case 'exists': {
      const held = new Map(outcome.reservations.map((r) => [r.sku, r]));
      // Only the same lines, still held, are the same reservation; anything else must not pass for it.
      const differing = lines.filter((line) => {
        const reservation = held.get(line.sku);
        return (
          !reservation ||
          reservation.quantity !== line.quantity ||
          (reservation.status !== 'RESERVED' && reservation.status !== 'COMMITTED')
        );
      });
      if (differing.length > 0) {
        throw new ReservationConflictError(
          `Order ${input.orderId} holds other reservations than asked for (${differing.map((l) => l.sku).join(', ')})`,
        );
      }
      return { orderId: input.orderId, lines };
    }
    case 'unavailable': {
      const requested = new Map(lines.map((line) => [line.sku, line.quantity]));
      throw new OutOfStockError([
        ...outcome.short,
        ...outcome.unknown.map((sku) => ({ sku, requested: requested.get(sku) ?? 0, available: 0 })),
      ]);
    }
  }
};

/**
 * The reservation step of a checkout resumed later (mode `resume`): the order's reservation if it holds every line,
 * else CheckoutStalledError. Nothing is reserved this late. (A reservation is all lines or none.)
 */
export const findOrderStock = async (deps: InventoryDeps, input: OrderStockInput): Promise<OrderStock> => {
  const lines = mergeLines(input.lines);
  const held = new Map(
    (
      await deps.store.getReservations(
        input.orderId,
        lines.map((line) => line.sku),
      )
    ).map((r) => [r.sku, r]),
  );
  const holdsAll = lines.every((line) => {
    const reservation = held.get(line.sku);
    return (
      reservation?.quantity === line.quantity &&
      (reservation.status === 'RESERVED' || reservation.status === 'COMMITTED')
    );
  });
  if (!holdsAll) throw new CheckoutStalledError(input.orderId, 'ReserveStock');
  return { orderId: input.orderId, lines };
};

interface Move {
  from: ReservationStatus;
  to: ReservationStatus;
  /** What one unit does to the SKU's counts. */
  perUnit: Partial<Record<Counter, number>>;
}

const COMMIT: Move = { from: 'RESERVED', to: 'COMMITTED', perUnit: { reserved: -1, sold: 1 } };
const RELEASE: Move = { from: 'RESERVED', to: 'RELEASED', perUnit: { available: 1, reserved: -1 } };
const RESTOCK: Move = { from: 'COMMITTED', to: 'RESTOCKED', perUnit: { available: 1, sold: -1 } };

const changeOf = (reservation: Pick<ReservationRecord, 'sku' | 'quantity'>, move: Move): ReservationChange => ({
  sku: reservation.sku,
  quantity: reservation.quantity,
  from: move.from,
  to: move.to,
  counts: Object.fromEntries(
    Object.entries(move.perUnit).map(([counter, unit]) => [counter, unit * reservation.quantity]),
  ),
});

const MAX_SETTLE_ATTEMPTS = 5;

/**
 * Moves each of the order's reservations of these SKUs by the move `moveFor` gives its status (none:
 * left as it is), in one conditional transaction; a reservation changed meanwhile means read again.
 * The stored quantity counts, not the caller's: it is what was taken.
 */
const settle = async (
  deps: InventoryDeps,
  orderId: string,
  skus: string[],
  moveFor: (status: ReservationStatus) => Move | undefined,
  options: { requireAll: boolean },
): Promise<ReservationRecord[]> => {
  for (let attempt = 0; attempt < MAX_SETTLE_ATTEMPTS; attempt++) {
    const reservations = await deps.store.getReservations(orderId, skus);
    if (options.requireAll) {
      const missing = skus.filter((sku) => !reservations.some((r) => r.sku === sku));
      if (missing.length > 0) throw new ReservationNotFoundError(orderId, missing);
    }
    const moves = reservations.map((r) => moveFor(r.status));
    const changes = reservations.flatMap((r, i) => {
      const move = moves[i];
      return move ? [changeOf(r, move)] : [];
    });
    if (changes.length === 0) return reservations;
    const now = clock(deps);
    if ((await deps.store.transition(orderId, changes, now)) === 'applied') {
      return reservations.map((r, i) => {
        const move = moves[i];
        return move ? { ...r, status: move.to, updatedAt: now.toISOString() } : r;
      });
    }
  }
  throw new StockContentionError();
};

const statusOf = (orderId: string, skus: string[], reservations: ReservationRecord[]): OrderStockStatus => ({
  orderId,
  lines: skus.flatMap((sku) => {
    const r = reservations.find((reservation) => reservation.sku === sku);
    return r ? [{ sku, quantity: r.quantity, status: r.status }] : [];
  }),
});

/**
 * Checkout step once the order is confirmed: its reserved stock becomes sold. Committed lines stay
 * as they are (a retry); released ones too (the order was cancelled meanwhile and its stock is back).
 */
export const commitOrderStock = async (deps: InventoryDeps, input: OrderStockInput): Promise<OrderStockStatus> => {
  const lines = mergeLines(input.lines);
  // The usual case, every line's reservation still RESERVED as reserved, is one conditional transaction with nothing
  // read first. Any other (a retry after a commit, a release meanwhile, a missing line) fails a condition and changes
  // nothing; it is then settled from the reservations as they are.
  const expected = lines.map((line) => changeOf(line, COMMIT));
  if ((await deps.store.transition(input.orderId, expected, clock(deps))) === 'applied') {
    return { orderId: input.orderId, lines: lines.map((line) => ({ ...line, status: COMMIT.to })) };
  }
  const skus = lines.map((line) => line.sku);
  const settled = await settle(deps, input.orderId, skus, (status) => (status === 'RESERVED' ? COMMIT : undefined), {
    requireAll: true,
  });
  return statusOf(input.orderId, skus, settled);
};

/**
 * Gives back whatever stock the order holds: reserved goes back on sale (RELEASED), sold too
 * (RESTOCKED). The saga's compensation and the consumer of OrderCancelled both use it; lines
 * without a reservation (the reservation step failed) and lines given back already are left alone.
 */
export const returnOrderStock = async (
  deps: InventoryDeps,
  input: { orderId: string; lines: StockLine[] },
): Promise<OrderStockStatus> => {
  const skus = mergeLines(input.lines).map((line) => line.sku);
  const settled = await settle(
    deps,
    input.orderId,
    skus,
    (status) => (status === 'RESERVED' ? RELEASE : status === 'COMMITTED' ? RESTOCK : undefined),
    { requireAll: false },
  );
  return statusOf(input.orderId, skus, settled);
};

/** Admin: puts an order's reserved units of one SKU back on sale. Releasing again answers the same. */
export const releaseForOrder = async (deps: InventoryDeps, sku: string, orderId: string): Promise<Reservation> => {
  for (let attempt = 0; attempt < MAX_SETTLE_ATTEMPTS; attempt++) {
    const reservation = await deps.store.getReservation(sku, orderId);
    if (!reservation) throw new ReservationNotFoundError(orderId, [sku]);
    if (reservation.status === 'RELEASED') return toReservation(reservation);
    if (reservation.status !== 'RESERVED') {
      throw new InvalidReservationTransitionError(
        `The reservation is ${reservation.status}; only a RESERVED one can be released`,
      );
    }
    const now = clock(deps);
    if ((await deps.store.transition(orderId, [changeOf(reservation, RELEASE)], now)) === 'applied') {
      return toReservation({ ...reservation, status: 'RELEASED', updatedAt: now.toISOString() });
    }
  }
  throw new StockContentionError();
};
