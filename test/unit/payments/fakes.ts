import { IdempotencyItemAlreadyExistsError, IdempotencyItemNotFoundError } from '@aws-lambda-powertools/idempotency';
import { BasePersistenceLayer, type IdempotencyRecord } from '@aws-lambda-powertools/idempotency/persistence';
import { idempotencyOptions } from '../../../functions/payments/config';
import { PaymentNotRefundableError } from '../../../functions/payments/errors';
import type { PaymentsDeps } from '../../../functions/payments/service';
import { SimulatedProcessor, simulatedProvider } from '../../../functions/payments/simulated-provider';
import {
  chargePaymentId,
  type OrderForPayment,
  type PaymentRecord,
  type PaymentsStore,
} from '../../../functions/payments/store';
import type { DomainEvent } from '../../../functions/shared/events';
import { type OnceOptions, once } from '../../../functions/shared/idempotency';
import { memoryOutbox } from '../support/memory-outbox';

/**
 * Powertools' persistence contract in memory, with the DynamoDB layer's put condition: a record
 * blocks a new one unless it has expired, or is in progress past its in-progress expiry.
 */
export class MemoryPersistence extends BasePersistenceLayer {
  readonly records = new Map<string, IdempotencyRecord>();

  protected async _putRecord(record: IdempotencyRecord): Promise<void> {
    const existing = this.records.get(record.idempotencyKey);
    const stale =
      existing?.getStatus() === 'INPROGRESS' &&
      existing.inProgressExpiryTimestamp !== undefined &&
      existing.inProgressExpiryTimestamp < Date.now();
    if (existing && !existing.isExpired() && !stale) {
      throw new IdempotencyItemAlreadyExistsError(`exists: ${record.idempotencyKey}`, existing);
    }
    this.records.set(record.idempotencyKey, record);
  }

  protected async _getRecord(idempotencyKey: string): Promise<IdempotencyRecord> {
    const record = this.records.get(idempotencyKey);
    if (!record) throw new IdempotencyItemNotFoundError();
    return record;
  }

  protected async _updateRecord(record: IdempotencyRecord): Promise<void> {
    this.records.set(record.idempotencyKey, record);
  }

  protected async _deleteRecord(record: IdempotencyRecord): Promise<void> {
    this.records.delete(record.idempotencyKey);
  }
}

/** The payments table in memory, with the same conditions as the DynamoDB store, and its outbox. */
export const memoryPaymentsStore = (
  owed = memoryOutbox(),
): PaymentsStore & { all(): PaymentRecord[]; owed: ReturnType<typeof memoryOutbox> } => {
  const items = new Map<string, PaymentRecord>();
  const copy = (record: PaymentRecord) => structuredClone(record);
  return {
    owed,
    all: () => [...items.values()].map(copy),
    get: async (paymentId) => {
      const record = items.get(paymentId);
      return record && copy(record);
    },
    getCharge: async (orderId) => {
      const record = items.get(chargePaymentId(orderId));
      return record && copy(record);
    },
    create: async (record, events) => {
      const existing = items.get(record.paymentId);
      if (existing) return { payment: copy(existing), created: false };
      items.set(record.paymentId, copy(record));
      owed.put(events);
      return { payment: copy(record), created: true };
    },
    markRefunded: async (paymentId, refundId, at, events) => {
      const record = items.get(paymentId);
      if (record?.status === 'REFUNDED' && record.refundId === refundId)
        return { payment: copy(record), changed: false };
      if (record?.status !== 'SUCCEEDED') throw new PaymentNotRefundableError(paymentId);
      const refunded: PaymentRecord = { ...record, status: 'REFUNDED', refundId, updatedAt: at };
      items.set(paymentId, refunded);
      owed.put(events);
      return { payment: copy(refunded), changed: true };
    },
    listByOrder: async (orderId) =>
      [...items.values()]
        .filter((p) => p.orderId === orderId)
        .sort((a, b) => `${a.createdAt}#${a.paymentId}`.localeCompare(`${b.createdAt}#${b.paymentId}`))
        .map(copy),
  };
};

export const order = (overrides: Partial<OrderForPayment> = {}): OrderForPayment => ({
  id: 'ord_1',
  userId: 'usr_owner',
  status: 'PENDING',
  totalCents: 129_999,
  currency: 'USD',
  ...overrides,
});

export interface TestDeps extends PaymentsDeps {
  processor: SimulatedProcessor;
  store: ReturnType<typeof memoryPaymentsStore>;
  events: DomainEvent[];
  orderBook: Map<string, OrderForPayment>;
  chargeRecords: MemoryPersistence;
}

/** The production options, looking at an in-progress record every 5 ms instead of 100. */
const fastPolling = <P extends object>(options: OnceOptions<P>): OnceOptions<P> => ({
  ...options,
  ...(options.inProgress && { inProgress: { ...options.inProgress, pollMs: 5 } }),
});

/** The service's dependencies with the real Powertools wrapper over memory, and a fast processor. */
export const testDeps = (options: { timeoutMs?: number; orders?: OrderForPayment[] } = {}): TestDeps => {
  const processor = new SimulatedProcessor({ latencyMs: 5, slowLatencyMs: 10_000 });
  const store = memoryPaymentsStore();
  const events: DomainEvent[] = [];
  const orderBook = new Map((options.orders ?? []).map((o) => [o.id, o]));
  const chargeRecords = new MemoryPersistence();
  return {
    processor,
    store,
    events,
    orderBook,
    chargeRecords,
    payments: store,
    orders: { get: async (id) => orderBook.get(id) },
    provider: simulatedProvider(processor, options.timeoutMs ?? 200),
    chargeOnce: once(fastPolling(idempotencyOptions('charge')), chargeRecords),
    refundOnce: once(fastPolling(idempotencyOptions('refund')), new MemoryPersistence()),
    publish: async (...published) => {
      events.push(...published);
    },
    outbox: store.owed.outbox,
    now: () => new Date('2026-03-01T12:00:00.000Z'),
  };
};
