import { createHash } from 'node:crypto';
import { type CancellationReason, IdempotentParameterMismatchException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  GetCommand,
  ScanCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import { tableName } from '../shared/config';
import { decodeCursor, encodeCursor, keySchema } from '../shared/cursor';
import {
  anyTransient,
  backoff,
  conditionFailed,
  documentClient,
  itemReader,
  putIfAbsent,
  RETRY_AFTER_BACKOFF,
  RETRY_NOW,
  TRANSIENT_CANCELLATIONS,
  type TransactWriteItem,
  transactWithRetry,
} from '../shared/dynamo';
import { readPage } from '../shared/paging';
import { StockContentionError } from './errors';

const stockItem = z.object({
  sku: z.string(),
  available: z.number(),
  reserved: z._default(z.number(), 0),
  sold: z._default(z.number(), 0),
  updatedAt: z.string(),
});
export type StockRecord = z.infer<typeof stockItem>;

export const RESERVATION_STATUSES = ['RESERVED', 'COMMITTED', 'RELEASED', 'RESTOCKED'] as const;
export type ReservationStatus = (typeof RESERVATION_STATUSES)[number];

const reservationItem = z.object({
  orderId: z.string(),
  sku: z.string(),
  quantity: z.number(),
  status: z.enum(RESERVATION_STATUSES),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type ReservationRecord = z.infer<typeof reservationItem>;

export interface StockLine {
  sku: string;
  quantity: number;
}

export type Counter = 'available' | 'reserved' | 'sold';

/** One reservation moving between statuses, with what it does to its SKU's counts. */
export interface ReservationChange {
  sku: string;
  quantity: number;
  from: ReservationStatus;
  to: ReservationStatus;
  counts: Partial<Record<Counter, number>>;
}

export type ReserveOutcome =
  /** `crossedLow`: this reservation took `available` from at least the threshold to below it. */
  | { kind: 'reserved'; lines: (StockLine & { crossedLow: boolean })[] }
  /** The order holds reservations of these SKUs already: nothing was written. */
  | { kind: 'exists'; reservations: ReservationRecord[] }
  /** Nothing was written: `short` lacked stock, `unknown` have no stock record. */
  | { kind: 'unavailable'; short: { sku: string; requested: number; available: number }[]; unknown: string[] };

export interface StockFilter {
  /** Only SKUs whose `available` is below this. */
  below?: number;
  limit: number;
  cursor?: string;
}

/** The inventory table's access: the only code that knows its key shapes. */
export interface InventoryStore {
  createStockIfAbsent(sku: string, available: number, now?: Date): Promise<boolean>;
  getStock(sku: string): Promise<StockRecord | undefined>;
  /** One page of stock records in the table's own order (not by SKU); the cursor is opaque and tied to `below`. */
  listStock(filter: StockFilter): Promise<{ items: StockRecord[]; nextCursor: string | null }>;
  /** Sets `available` (creating the record if absent); `before` is the record as it was, atomically. */
  setAvailable(sku: string, available: number, now: Date): Promise<{ before?: StockRecord; after: StockRecord }>;
  /** Reserves every line for the order, or none (one transaction). Lines must have distinct SKUs. */
  reserve(orderId: string, lines: StockLine[], options: { now: Date; lowThreshold: number }): Promise<ReserveOutcome>;
  getReservation(sku: string, orderId: string): Promise<ReservationRecord | undefined>;
  getReservations(orderId: string, skus: string[]): Promise<ReservationRecord[]>;
  /**
   * Applies the changes in one transaction, each only if its reservation is still in `from`:
   * 'stale' when one was not (nothing written; read again and decide again).
   */
  transition(orderId: string, changes: ReservationChange[], now: Date): Promise<'applied' | 'stale'>;
}

export const stockKey = (sku: string) => ({ pk: `STOCK#${sku}`, sk: 'STOCK' });

/** A new SKU's stock record: the one definition of its initial shape. */
const initialStock = (sku: string, available: number, now: Date): StockRecord => ({
  sku,
  available,
  reserved: 0,
  sold: 0,
  updatedAt: now.toISOString(),
});

/**
 * "Create the SKU's stock record unless it exists", as one write of another context's transaction.
 * Not a condition (that would cancel the whole transaction): every attribute is set only if absent,
 * so an existing record and its counts stay exactly as they are.
 */
export const createStockIfAbsentItem = (sku: string, available: number, now = new Date()): TransactWriteItem => {
  const fields = Object.entries(initialStock(sku, available, now));
  return {
    Update: {
      TableName: tableName('inventory'),
      Key: stockKey(sku),
      UpdateExpression: `SET ${fields.map((_, i) => `#f${i} = if_not_exists(#f${i}, :v${i})`).join(', ')}`,
      ExpressionAttributeNames: Object.fromEntries(fields.map(([name], i) => [`#f${i}`, name])),
      ExpressionAttributeValues: Object.fromEntries(fields.map(([, value], i) => [`:v${i}`, value])),
    },
  };
};
const reservationKey = (sku: string, orderId: string) => ({ pk: `STOCK#${sku}`, sk: `RES#${orderId}` });

const fromStockItem = itemReader('stock', stockItem);
const fromReservationItem = itemReader('reservation', reservationItem);

export type Band = 'above' | 'crossing' | 'below';

/**
 * Where taking `quantity` from `available` leaves it against the low-stock threshold: still at or
 * above it, crossing below it, already below; 'short' when it does not fit.
 */
export const bandOf = (available: number, quantity: number, threshold: number): Band | 'short' => {
  if (available < quantity) return 'short';
  if (available - quantity >= threshold) return 'above';
  return available >= threshold ? 'crossing' : 'below';
};

/**
 * The range of `available` a band stands for, [lo, hi). A reservation's write is conditional on its
 * band, so a successful write proves whether it crossed the threshold: no read before, none after.
 */
export const bandRange = (band: Band, quantity: number, threshold: number): { lo: number; hi?: number } => {
  switch (band) {
    case 'above':
      return { lo: quantity + threshold };
    case 'crossing':
      return { lo: Math.max(quantity, threshold), hi: quantity + threshold };
    case 'below':
      return { lo: quantity, hi: threshold };
  }
};

const MAX_ATTEMPTS = 10;

/**
 * Items a listing's scan evaluates per request at least: the filter drops reservations (and, with `below`, most
 * stock records) after DynamoDB counted them against the request's Limit, so a Limit of one page would take
 * many round trips.
 */
const SCAN_BATCH = 200;

/** `available` of the item a refused condition returns (marshalled: the document client leaves errors as they come). */
const availableOf = (item: Record<string, unknown> | undefined): number | undefined => {
  const value = item?.available;
  const raw = typeof value === 'object' && value !== null && 'N' in value ? value.N : value;
  const available = typeof raw === 'string' || typeof raw === 'number' ? Number(raw) : Number.NaN;
  return Number.isFinite(available) ? available : undefined;
};

const onlyKnownCodes = (reasons: CancellationReason[]) =>
  reasons.every(
    (r) => !r.Code || r.Code === 'None' || r.Code === 'ConditionalCheckFailed' || TRANSIENT_CANCELLATIONS.has(r.Code),
  );

/**
 * DynamoDB applies a transaction once per token for 10 minutes, so the SDK's own retry of a call
 * whose answer was lost cannot apply it twice. The token covers the whole request.
 */
const requestToken = (...parts: unknown[]) =>
  createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 36);

export const inventoryStore = (client = documentClient): InventoryStore => {
  const table = () => tableName('inventory');

  const getReservations = async (orderId: string, skus: string[]): Promise<ReservationRecord[]> => {
    const unique = [...new Set(skus)];
    const found: ReservationRecord[] = [];
    for (let i = 0; i < unique.length; i += 100) {
      let keys: Record<string, unknown>[] | undefined = unique
        .slice(i, i + 100)
        .map((sku) => reservationKey(sku, orderId));
      // A batch may come back partly unprocessed under load: ask again for the rest.
      for (let attempt = 0; keys && keys.length > 0; attempt++) {
        if (attempt >= MAX_ATTEMPTS) throw new StockContentionError();
        if (attempt > 0) await backoff(attempt);
        const result: BatchGetCommandOutput = await client.send(
          new BatchGetCommand({ RequestItems: { [table()]: { Keys: keys, ConsistentRead: true } } }),
        );
        found.push(...(result.Responses?.[table()] ?? []).map(fromReservationItem));
        keys = result.UnprocessedKeys?.[table()]?.Keys;
      }
    }
    return found;
  };

  return {
    /** Creates a SKU's stock record; an existing record (and its counts) is never overwritten. */
    createStockIfAbsent: (sku, available, now = new Date()) =>
      putIfAbsent(client, table(), { ...stockKey(sku), ...initialStock(sku, available, now) }),

    async getStock(sku) {
      // Strongly consistent: an admin change must show on the next read.
      const { Item } = await client.send(
        new GetCommand({ TableName: table(), Key: stockKey(sku), ConsistentRead: true }),
      );
      return Item ? fromStockItem(Item) : undefined;
    },

    async listStock({ below, limit, cursor }) {
      const schema = keySchema('inventory');
      const keyNames = Object.keys(schema);
      const fingerprint = JSON.stringify(['stock', below ?? null]);
      // A scan: the table has no index of its stock records. It reads reservations too, and costs by the table's size.
      const { items, lastKey } = await readPage(
        (startKey, pageLimit) =>
          client.send(
            new ScanCommand({
              TableName: table(),
              FilterExpression: below === undefined ? 'sk = :stock' : 'sk = :stock AND available < :below',
              ExpressionAttributeValues: { ':stock': 'STOCK', ...(below !== undefined && { ':below': below }) },
              Limit: Math.max(pageLimit, SCAN_BATCH),
              ...(startKey && { ExclusiveStartKey: startKey }),
            }),
          ),
        { limit, startKey: decodeCursor(cursor, fingerprint, schema), keyNames },
      );
      return { items: items.map(fromStockItem), nextCursor: encodeCursor(lastKey, fingerprint) };
    },

    async setAvailable(sku, available, now) {
      const updatedAt = now.toISOString();
      const { Attributes } = await client.send(
        new UpdateCommand({
          TableName: table(),
          Key: stockKey(sku),
          UpdateExpression:
            'SET sku = :sku, available = :available, reserved = if_not_exists(reserved, :zero), sold = if_not_exists(sold, :zero), updatedAt = :now',
          ExpressionAttributeValues: { ':sku': sku, ':available': available, ':zero': 0, ':now': updatedAt },
          ReturnValues: 'ALL_OLD',
        }),
      );
      const before = Attributes ? fromStockItem(Attributes) : undefined;
      return {
        ...(before && { before }),
        after: { sku, available, reserved: before?.reserved ?? 0, sold: before?.sold ?? 0, updatedAt },
      };
    },

    reserve(orderId, lines, { now, lowThreshold }) {
      const timestamp = now.toISOString();
      const skus = lines.map((line) => line.sku);
      // First guess: plenty of stock. A refused condition returns the item, which tells the right band.
      const bands: Band[] = lines.map(() => 'above');
      let useToken = true;
      return transactWithRetry<ReserveOutcome>({
        attempts: MAX_ATTEMPTS,
        retryInProgress: true,
        async send() {
          const TransactItems: TransactWriteCommandInput['TransactItems'] = lines.flatMap((line, i) => {
            const { lo, hi } = bandRange(bands[i] ?? 'above', line.quantity, lowThreshold);
            return [
              {
                Update: {
                  TableName: table(),
                  Key: stockKey(line.sku),
                  UpdateExpression: 'SET available = available - :q, reserved = reserved + :q, updatedAt = :now',
                  ConditionExpression: hi === undefined ? 'available >= :lo' : 'available >= :lo AND available < :hi',
                  ExpressionAttributeValues: {
                    ':q': line.quantity,
                    ':now': timestamp,
                    ':lo': lo,
                    ...(hi !== undefined && { ':hi': hi }),
                  },
                  ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
                },
              },
              {
                Put: {
                  TableName: table(),
                  Item: {
                    ...reservationKey(line.sku, orderId),
                    orderId,
                    sku: line.sku,
                    quantity: line.quantity,
                    status: 'RESERVED',
                    createdAt: timestamp,
                    updatedAt: timestamp,
                  },
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
            ];
          });
          await client.send(
            new TransactWriteCommand({
              TransactItems,
              ...(useToken && { ClientRequestToken: requestToken('reserve', orderId, lines, bands) }),
            }),
          );
          return {
            kind: 'reserved',
            lines: lines.map((line, i) => ({ ...line, crossedLow: bands[i] === 'crossing' })),
          };
        },
        async otherError(error) {
          if (!(error instanceof IdempotentParameterMismatchException)) return undefined;
          // The token served an earlier call for this order (other timestamps): its reservations answer.
          const existing = await getReservations(orderId, skus);
          if (existing.length > 0) return { result: { kind: 'exists', reservations: existing } };
          useToken = false;
          return RETRY_NOW;
        },
        async cancelled(reasons, error) {
          if (!onlyKnownCodes(reasons)) throw error;
          if (lines.some((_, i) => conditionFailed(reasons[2 * i + 1]))) {
            return { result: { kind: 'exists', reservations: await getReservations(orderId, skus) } };
          }
          const short: { sku: string; requested: number; available: number }[] = [];
          const unknown: string[] = [];
          lines.forEach((line, i) => {
            const reason = reasons[2 * i];
            if (!conditionFailed(reason)) return;
            const available = availableOf(reason?.Item);
            if (available === undefined) {
              unknown.push(line.sku);
              return;
            }
            const band = bandOf(available, line.quantity, lowThreshold);
            if (band === 'short') short.push({ sku: line.sku, requested: line.quantity, available });
            else bands[i] = band;
          });
          if (short.length > 0 || unknown.length > 0) return { result: { kind: 'unavailable', short, unknown } };
          // Otherwise a band moved (retry at once with the new one) or DynamoDB asked us to back off.
          return anyTransient(reasons) ? RETRY_AFTER_BACKOFF : RETRY_NOW;
        },
        exhausted: () => new StockContentionError(),
      });
    },

    async getReservation(sku, orderId) {
      const { Item } = await client.send(
        new GetCommand({ TableName: table(), Key: reservationKey(sku, orderId), ConsistentRead: true }),
      );
      return Item ? fromReservationItem(Item) : undefined;
    },

    getReservations,

    async transition(orderId, changes, now) {
      if (changes.length === 0) return 'applied';
      const timestamp = now.toISOString();
      const TransactItems: TransactWriteCommandInput['TransactItems'] = changes.flatMap((change) => {
        const counts = Object.entries(change.counts).filter(([, delta]) => delta !== 0) as [Counter, number][];
        // A count that goes down must not go below zero: a broken invariant stops here, loudly.
        const guards = counts.filter(([, delta]) => delta < 0).map(([counter]) => `${counter} >= :min_${counter}`);
        return [
          {
            Update: {
              TableName: table(),
              Key: reservationKey(change.sku, orderId),
              UpdateExpression: 'SET #status = :to, updatedAt = :now',
              ConditionExpression: '#status = :from AND quantity = :q',
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: {
                ':to': change.to,
                ':from': change.from,
                ':q': change.quantity,
                ':now': timestamp,
              },
            },
          },
          {
            Update: {
              TableName: table(),
              Key: stockKey(change.sku),
              UpdateExpression: `SET ${[...counts.map(([counter]) => `${counter} = ${counter} + :d_${counter}`), 'updatedAt = :now'].join(', ')}`,
              ConditionExpression: guards.length > 0 ? guards.join(' AND ') : 'attribute_exists(pk)',
              ExpressionAttributeValues: {
                ':now': timestamp,
                ...Object.fromEntries(counts.map(([counter, delta]) => [`:d_${counter}`, delta])),
                ...Object.fromEntries(counts.filter(([, d]) => d < 0).map(([counter, d]) => [`:min_${counter}`, -d])),
              },
            },
          },
        ];
      });
      const ClientRequestToken = requestToken(
        'transition',
        orderId,
        changes.map((c) => [c.sku, c.quantity, c.from, c.to]),
      );
      return transactWithRetry<'applied' | 'stale'>({
        attempts: MAX_ATTEMPTS,
        retryInProgress: true,
        send: async () => {
          await client.send(new TransactWriteCommand({ TransactItems, ClientRequestToken }));
          return 'applied';
        },
        // Same token, other timestamps: an earlier call made these changes already.
        otherError: (error) =>
          error instanceof IdempotentParameterMismatchException ? { result: 'stale' } : undefined,
        cancelled(reasons, error) {
          if (!onlyKnownCodes(reasons)) throw error;
          if (changes.some((_, i) => conditionFailed(reasons[2 * i]))) return { result: 'stale' };
          const broken = changes.filter((_, i) => conditionFailed(reasons[2 * i + 1])).map((c) => c.sku);
          if (broken.length > 0) throw new Error(`Stock counts of ${broken.join(', ')} do not cover order ${orderId}`);
          return RETRY_AFTER_BACKOFF;
        },
        exhausted: () => new StockContentionError(),
      });
    },
  };
};
