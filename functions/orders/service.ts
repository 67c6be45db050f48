import { randomUUID } from 'node:crypto';
import type { CatalogStore } from '../catalog/store';
import type { Principal } from '../shared/api';
import { BusinessRuleError } from '../shared/errors';
import { type DomainEvent, domainEvent, type EventData } from '../shared/event-catalog';
import type { Deadline, Once } from '../shared/idempotency';
import { logger } from '../shared/logger';
import { fromCents } from '../shared/money';
import { assertOwnerOrAdmin, assertVisibleTo } from '../shared/ownership';
import { parse } from '../shared/validation';
import { CartEmptyError, InvalidTransitionError, OrderNotFoundError } from './errors';
import { type CreateOrderBody, IdempotencyKey, type OrderStatus } from './schemas';
import type { HistoryEntry, OrderLine, OrderRecord, OrdersStore, Page } from './store';

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

/**
 * Orders the caller's cart: prices come from the catalog (a snapshot in the order), the order
 * starts PENDING, and the checkout saga is started with the order id as its execution name.
 */
export const placeOrder = async (
  deps: OrdersDeps,
  input: { userId: string; body: CreateOrderBody; correlationId: string },
): Promise<Order> => {
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
  const record: OrderRecord = {
    id: `ord_${randomUUID()}`,
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
  await deps.orders.create(record);
  try {
    await deps.startCheckout(record.id, {
      orderId: record.id,
      userId: record.userId,
      correlationId: record.correlationId,
      currency: record.currency,
      totalCents: record.totalCents,
      lines: record.lines,
      paymentMethod: record.paymentMethod,
    });
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

/** What an Idempotency-Key's record is keyed by (the key, per user) and checked against (the same body). */
export interface KeyedPlacement {
  userId: string;
  idempotencyKey: string;
  body: CreateOrderBody;
}

export interface PlaceWithKeyDeps extends OrdersDeps {
  placeOnce: Once<KeyedPlacement>;
}

/**
 * POST /orders: with an Idempotency-Key, every retry of the call (even one racing the first) answers the
 * same order, and the key with another body is refused; without one, every call places an order.
 */
export const placeOrderWithKey = async (
  deps: PlaceWithKeyDeps,
  input: { userId: string; body: CreateOrderBody; correlationId: string; idempotencyKey: string | undefined },
  deadline?: Deadline,
): Promise<Order> => {
  const { idempotencyKey, ...placement } = input;
  if (idempotencyKey === undefined) return placeOrder(deps, placement);
  const key = { userId: input.userId, idempotencyKey: parse(IdempotencyKey, idempotencyKey, 'Idempotency-Key header') };
  const { value } = await deps.placeOnce({ ...key, body: input.body }, () => placeOrder(deps, placement), deadline);
  return value;
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
  extra: { failureReason?: string; paymentId?: string } = {},
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

/** Saga step: PENDING -> CONFIRMED. Anything else (cancelled meanwhile) is an InvalidTransitionError. */
export const confirmOrder = async (deps: OrdersDeps, orderId: string, paymentId?: string) => {
  const record = await deps.orders.get(orderId);
  if (!record) throw new OrderNotFoundError(orderId);
  if (record.status === 'CONFIRMED') return { orderId, status: record.status };
  const updated = await move(deps, record, ['PENDING'], { status: 'CONFIRMED' }, paymentId ? { paymentId } : {});
  await announce(
    deps,
    orderEvent(updated, 'OrderConfirmed', {
      totalCents: updated.totalCents,
      currency: updated.currency,
      lines: updated.lines,
      shippingAddress: updated.shippingAddress,
      placedAt: updated.createdAt,
    }),
  );
  return { orderId, status: updated.status };
};

/** Saga compensation: PENDING -> FAILED with the reason; an order already settled is left as it is. */
export const failOrder = async (deps: OrdersDeps, orderId: string, reason: string) => {
  const record = await deps.orders.get(orderId);
  if (!record) throw new OrderNotFoundError(orderId);
  if (record.status !== 'PENDING') return { orderId, status: record.status };
  try {
    const updated = await move(deps, record, ['PENDING'], { status: 'FAILED', reason }, { failureReason: reason });
    await announce(deps, orderEvent(updated, 'OrderFailed', { reason }));
    return { orderId, status: updated.status };
  } catch (error) {
    if (!(error instanceof InvalidTransitionError)) throw error;
    return { orderId, status: (await deps.orders.get(orderId))?.status };
  }
};
