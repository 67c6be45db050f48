import { createHash, randomUUID } from 'node:crypto';
import type { CatalogStore } from '../catalog/store';
import type { Principal } from '../shared/api';
import { BusinessRuleError } from '../shared/errors';
import { type DomainEvent, domainEvent, type EventData } from '../shared/event-catalog';
import { logger } from '../shared/logger';
import { fromCents } from '../shared/money';
import { assertOwnerOrAdmin, assertVisibleTo } from '../shared/ownership';
import { parse } from '../shared/validation';
import { CartEmptyError, IdempotencyKeyReusedError, InvalidTransitionError, OrderNotFoundError } from './errors';
import { type CreateOrderBody, IdempotencyKey, type OrderStatus } from './schemas';
import type { HistoryEntry, OrderLine, OrderRecord, OrdersStore, Page, TransitionExtra } from './store';

export interface CartLine {
  productId: string;
  quantity: number;
}

export interface OrdersDeps {
  orders: OrdersStore;
  catalog: Pick<CatalogStore, 'getProducts'>;
  cartLines: (userId: string) => Promise<CartLine[]>;
  startCheckout: (orderId: string, input: CheckoutInput) => Promise<void>;
  publish: (...events: DomainEvent[]) => Promise<void>;
  now?: () => Date;
}

/** What the checkout state machine starts with. */
export interface CheckoutInput {
  orderId: string;
  userId: string;
  correlationId: string;
  currency: string;
  totalCents: number;
  lines: OrderLine[];
  paymentMethod: CreateOrderBody['paymentMethod'];
}

const clock = (deps: Pick<OrdersDeps, 'now'>) => (deps.now ?? (() => new Date()))();

/** An order as the API shows it: money in major units; the card token is not echoed. */
export const toOrder = (record: OrderRecord) => ({
  id: record.id,
  userId: record.userId,
  status: record.status,
  items: record.lines.map((line) => ({
    productId: line.productId,
    sku: line.sku,
    name: line.name,
    quantity: line.quantity,
    price: fromCents(line.unitPriceCents),
    lineTotal: fromCents(line.lineTotalCents),
  })),
  currency: record.currency,
  total: fromCents(record.totalCents),
  shippingAddress: record.shippingAddress,
  paymentMethod: { type: record.paymentMethod.type },
  history: record.history,
  ...(record.failureReason && { failureReason: record.failureReason }),
  ...(record.paymentId && { paymentId: record.paymentId }),
  createdAt: record.createdAt,
  updatedAt: record.updatedAt,
});
export type Order = ReturnType<typeof toOrder>;

type OrderEventType =
  | 'OrderPlaced'
  | 'OrderConfirmed'
  | 'OrderFailed'
  | 'OrderCancelled'
  | 'OrderShipped'
  | 'OrderDelivered';

/** An event about the order: its ids and correlation id, and `data`, the rest of the catalog's detail. */
const orderEvent = <T extends OrderEventType>(
  record: OrderRecord,
  detailType: T,
  data: Omit<EventData<T>, 'orderId' | 'userId'>,
): DomainEvent<T> =>
  domainEvent(detailType, record.correlationId, {
    orderId: record.id,
    userId: record.userId,
    ...data,
  } as EventData<T> & Record<string, unknown>);

/** Events follow a committed change; a lost one is logged, never undoes the change. */
const announce = async (deps: Pick<OrdersDeps, 'publish'>, event: DomainEvent) => {
  try {
    await deps.publish(event);
  } catch (error) {
    logger.error('event not published', { error, detailType: event.detailType });
  }
};

/** The saga's input for an order: all of it follows from the stored order, so a second start sends the same. */
const checkoutInput = (record: OrderRecord): CheckoutInput => ({
  orderId: record.id,
  userId: record.userId,
  correlationId: record.correlationId,
  currency: record.currency,
  totalCents: record.totalCents,
  lines: record.lines,
  paymentMethod: record.paymentMethod,
});

/** The caller's cart as a new PENDING order (not stored yet): prices are the catalog's, a snapshot in the order. */
const newOrder = async (
  deps: OrdersDeps,
  input: { userId: string; body: CreateOrderBody; correlationId: string },
  id: string,
): Promise<OrderRecord> => {
  const cart = await deps.cartLines(input.userId);
  if (cart.length === 0) throw new CartEmptyError();
  const products = new Map((await deps.catalog.getProducts(cart.map((line) => line.productId))).map((p) => [p.id, p]));
  const unavailable = cart.filter((line) => {
    const product = products.get(line.productId);
    return !product || product.deletedAt !== undefined;
  });
  if (unavailable.length > 0) {
    throw new BusinessRuleError(
      'PRODUCT_UNAVAILABLE',
      `No longer sold: ${unavailable.map((line) => line.productId).join(', ')}`,
    );
  }
  const lines: OrderLine[] = cart.map(({ productId, quantity }) => {
    const product = products.get(productId);
    if (!product) throw new Error('checked above');
    return {
      productId,
      sku: product.sku,
      name: product.name,
      quantity,
      unitPriceCents: product.priceCents,
      lineTotalCents: product.priceCents * quantity,
    };
  });
  const currencies = new Set(cart.map((line) => products.get(line.productId)?.currency));
  if (currencies.size !== 1) throw new BusinessRuleError('MIXED_CURRENCIES', 'The cart holds more than one currency');
  const now = clock(deps).toISOString();
  return {
    id,
    userId: input.userId,
    status: 'PENDING',
    lines,
    currency: [...currencies][0] as string,
    totalCents: lines.reduce((sum, line) => sum + line.lineTotalCents, 0),
    shippingAddress: input.body.shippingAddress,
    paymentMethod: input.body.paymentMethod,
    history: [{ status: 'PENDING', at: now }],
    correlationId: input.correlationId,
    createdAt: now,
    updatedAt: now,
  };
};

/** Starts the saga of an order just stored (its execution is named after the order), then announces it. */
const launch = async (deps: OrdersDeps, record: OrderRecord): Promise<Order> => {
  try {
    await deps.startCheckout(record.id, checkoutInput(record));
  } catch (error) {
    // Without a saga nothing would ever settle the order: fail it now, then report the error.
    await deps.orders.transition(
      record.id,
      ['PENDING'],
      {
        status: 'FAILED',
        at: clock(deps).toISOString(),
        reason: 'CHECKOUT_NOT_STARTED',
      },
      { failureReason: 'CHECKOUT_NOT_STARTED' },
    );
    throw error;
  }
  await announce(
    deps,
    orderEvent(record, 'OrderPlaced', {
      totalCents: record.totalCents,
      currency: record.currency,
      lines: record.lines,
    }),
  );
  return toOrder(record);
};

/**
 * Orders the caller's cart: prices come from the catalog (a snapshot in the order), the order
 * starts PENDING, and the checkout saga is started with the order id as its execution name.
 */
export const placeOrder = async (
  deps: OrdersDeps,
  input: { userId: string; body: CreateOrderBody; correlationId: string },
): Promise<Order> => {
  const record = await newOrder(deps, input, `ord_${randomUUID()}`);
  if (!(await deps.orders.create(record))) throw new Error(`Order id ${record.id} is taken`);
  return launch(deps, record);
};

const uuidShaped = (hex: string) =>
  `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;

/** The order an Idempotency-Key places, whenever and however often it is sent: its id follows from user and key. */
export const keyedOrderId = (userId: string, idempotencyKey: string): string =>
  `ord_${uuidShaped(
    createHash('sha256')
      .update(JSON.stringify(['order', userId, idempotencyKey]))
      .digest('hex'),
  )}`;

/** JSON with keys sorted at every level: the same request hashes the same whatever its key order. */
const canonicalJson = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );

export const requestHashOf = (body: CreateOrderBody): string =>
  createHash('sha256').update(canonicalJson(body)).digest('base64url');

/**
 * The order a key placed already: the same request gets it (its saga started again if the call that placed
 * it died before starting it; a saga that runs or ran is left as it is), another request is refused.
 */
const replayKeyed = async (deps: OrdersDeps, record: OrderRecord, userId: string, requestHash: string) => {
  if (record.userId !== userId || record.requestHash !== requestHash) throw new IdempotencyKeyReusedError();
  if (record.status === 'PENDING') await deps.startCheckout(record.id, checkoutInput(record));
  return toOrder(record);
};

/**
 * POST /orders: with an Idempotency-Key, one order per user and key, forever: its id derives from them and
 * is created once (a conditional write), so a retry, even one racing the first call or following a crash
 * between the order's write and its saga's start, answers the same order; the key with another body is refused.
 * Without a key, every call places an order.
 */
export const placeOrderWithKey = async (
  deps: OrdersDeps,
  input: { userId: string; body: CreateOrderBody; correlationId: string; idempotencyKey: string | undefined },
): Promise<Order> => {
  const { idempotencyKey, ...placement } = input;
  if (idempotencyKey === undefined) return placeOrder(deps, placement);
  const id = keyedOrderId(input.userId, parse(IdempotencyKey, idempotencyKey, 'Idempotency-Key header'));
  const requestHash = requestHashOf(input.body);
  const existing = await deps.orders.get(id);
  if (existing) return replayKeyed(deps, existing, input.userId, requestHash);
  const record: OrderRecord = { ...(await newOrder(deps, placement, id)), requestHash };
  if (await deps.orders.create(record)) return launch(deps, record);
  // A duplicate of this call stored it first.
  const winner = await deps.orders.get(id);
  if (!winner) throw new Error(`Order ${id} exists but cannot be read`);
  return replayKeyed(deps, winner, input.userId, requestHash);
};

const visibleOrder = async (deps: Pick<OrdersDeps, 'orders'>, principal: Principal, id: string) => {
  const record = await deps.orders.get(id);
  if (!record) throw new OrderNotFoundError(id);
  // Another customer's order does not exist, as far as they can tell.
  assertVisibleTo(principal, record.userId, () => new OrderNotFoundError(id));
  return record;
};

export const getOrder = async (deps: Pick<OrdersDeps, 'orders'>, principal: Principal, id: string) =>
  toOrder(await visibleOrder(deps, principal, id));

export const listOrders = async (
  deps: Pick<OrdersDeps, 'orders'>,
  principal: Principal,
  query: { userId?: string; limit?: number; cursor?: string },
): Promise<Page<Order>> => {
  const userId = query.userId ?? principal.userId;
  assertOwnerOrAdmin(principal, userId);
  const page = await deps.orders.listByUser(userId, query.limit ?? 20, query.cursor);
  return { items: page.items.map(toOrder), nextCursor: page.nextCursor };
};

export const listAllOrders = async (
  deps: Pick<OrdersDeps, 'orders'>,
  query: { status?: OrderStatus; limit?: number; cursor?: string },
): Promise<Page<Order>> => {
  const limit = query.limit ?? 20;
  const page = query.status
    ? await deps.orders.listByStatus(query.status, limit, query.cursor)
    : await deps.orders.listAll(limit, query.cursor);
  return { items: page.items.map(toOrder), nextCursor: page.nextCursor };
};

const move = async (
  deps: OrdersDeps,
  record: OrderRecord,
  from: OrderStatus[],
  entry: Omit<HistoryEntry, 'at'>,
  extra: TransitionExtra = {},
) => deps.orders.transition(record.id, from, { ...entry, at: clock(deps).toISOString() }, extra);

/**
 * Cancels a PENDING or CONFIRMED order. A confirmed order's refund and restock follow from the
 * OrderCancelled event; a pending one's saga finds the order cancelled and compensates itself.
 */
export const cancelOrder = async (deps: OrdersDeps, principal: Principal, id: string) => {
  const record = await visibleOrder(deps, principal, id);
  if (record.status !== 'PENDING' && record.status !== 'CONFIRMED') {
    throw new InvalidTransitionError(id, 'CANCELLED', record.status);
  }
  const updated = await move(deps, record, [record.status], { status: 'CANCELLED', by: principal.userId });
  await announce(
    deps,
    orderEvent(updated, 'OrderCancelled', {
      previousStatus: record.status,
      lines: updated.lines,
      totalCents: updated.totalCents,
      currency: updated.currency,
    }),
  );
  return toOrder(updated);
};

export const shipOrder = async (deps: OrdersDeps, principal: Principal, id: string) => {
  const record = await visibleOrder(deps, principal, id);
  const updated = await move(deps, record, ['CONFIRMED'], { status: 'SHIPPED', by: principal.userId });
  await announce(deps, orderEvent(updated, 'OrderShipped', {}));
  return toOrder(updated);
};

export const deliverOrder = async (deps: OrdersDeps, principal: Principal, id: string) => {
  const record = await visibleOrder(deps, principal, id);
  const updated = await move(deps, record, ['SHIPPED'], { status: 'DELIVERED', by: principal.userId });
  await announce(deps, orderEvent(updated, 'OrderDelivered', {}));
  return toOrder(updated);
};

/** The event a saga transition of this order still owes the bus, if any. */
const owedEvent = (record: OrderRecord): DomainEvent | undefined => {
  switch (record.pendingEvent) {
    case 'OrderConfirmed':
      return orderEvent(record, 'OrderConfirmed', {
        totalCents: record.totalCents,
        currency: record.currency,
        lines: record.lines,
        shippingAddress: record.shippingAddress,
        placedAt: record.createdAt,
      });
    case 'OrderFailed':
      return orderEvent(record, 'OrderFailed', { reason: record.failureReason ?? 'CHECKOUT_FAILED' });
    default:
      return undefined;
  }
};

/**
 * Publishes what the order's last saga transition owes the bus, then forgets the debt. A failed publish is
 * logged and the debt kept, for a retry of the step: it must never fail the step (the saga would compensate).
 */
const payOwedEvent = async (deps: Pick<OrdersDeps, 'publish' | 'orders'>, record: OrderRecord) => {
  const event = owedEvent(record);
  if (!event) return;
  try {
    await deps.publish(event);
  } catch (error) {
    logger.error('event not published', { error, detailType: event.detailType, orderId: record.id });
    return;
  }
  await deps.orders.clearPendingEvent(record.id, event.detailType);
};

const wasConfirmed = (record: OrderRecord) => record.history.some((entry) => entry.status === 'CONFIRMED');

/**
 * Saga step: PENDING -> CONFIRMED, publishing OrderConfirmed. Safe to retry after it succeeded, even when
 * the earlier attempt's write lands after this one read the order: an order confirmed once (whatever became
 * of it since) is a success, with the event published if the bus is still owed it. Anything else (cancelled
 * before confirmation) is an InvalidTransitionError, for the saga to compensate.
 */
export const confirmOrder = async (deps: OrdersDeps, orderId: string, paymentId?: string) => {
  const record = await deps.orders.get(orderId);
  if (!record) throw new OrderNotFoundError(orderId);
  let confirmed = record;
  if (!wasConfirmed(record)) {
    try {
      confirmed = await move(
        deps,
        record,
        ['PENDING'],
        { status: 'CONFIRMED' },
        { ...(paymentId && { paymentId }), pendingEvent: 'OrderConfirmed' },
      );
    } catch (error) {
      if (!(error instanceof InvalidTransitionError)) throw error;
      const current = await deps.orders.get(orderId);
      if (!current || !wasConfirmed(current)) throw error;
      confirmed = current;
    }
  }
  await payOwedEvent(deps, confirmed);
  return { orderId, status: confirmed.status };
};

/**
 * Saga compensation: PENDING -> FAILED with the reason, publishing OrderFailed; an order already settled is
 * left as it is (one this step failed before gets the event it may still be owed).
 */
export const failOrder = async (deps: OrdersDeps, orderId: string, reason: string) => {
  const record = await deps.orders.get(orderId);
  if (!record) throw new OrderNotFoundError(orderId);
  let current: OrderRecord | undefined = record;
  if (record.status === 'PENDING') {
    try {
      current = await move(
        deps,
        record,
        ['PENDING'],
        { status: 'FAILED', reason },
        { failureReason: reason, pendingEvent: 'OrderFailed' },
      );
    } catch (error) {
      if (!(error instanceof InvalidTransitionError)) throw error;
      current = await deps.orders.get(orderId);
    }
  }
  if (current) await payOwedEvent(deps, current);
  return { orderId, status: current?.status };
};
