import { createHash, randomUUID } from 'node:crypto';
import type { CatalogStore } from '../catalog/store';
import type { Principal } from '../shared/api';
import { BusinessRuleError } from '../shared/errors';
import { type DomainEvent, domainEvent, type EventData } from '../shared/event-catalog';
import { logger } from '../shared/logger';
import { fromCents } from '../shared/money';
import { deliver, type Outbox, type OwedEvent } from '../shared/outbox';
import { assertOwnerOrAdmin, assertVisibleTo } from '../shared/ownership';
import { parse } from '../shared/validation';
import { CartEmptyError, IdempotencyKeyReusedError, InvalidTransitionError, OrderNotFoundError } from './errors';
import { type CreateOrderBody, IdempotencyKey, type OrderStatus } from './schemas';
import type { HistoryEntry, OrderLine, OrderRecord, OrdersStore, Page, TransitionExtra } from './store';

/** Where a workflow execution of a given name is: running, ended (however), or never started (or long forgotten). */
export type ExecutionState = 'RUNNING' | 'ENDED' | 'ABSENT';

export interface CartLine {
  productId: string;
  quantity: number;
}

export interface OrdersDeps {
  orders: OrdersStore;
  catalog: Pick<CatalogStore, 'getProducts'>;
  cartLines: (userId: string) => Promise<CartLine[]>;
  /**
   * Starts an execution of the checkout state machine under `name` (the order id for its checkout); a name taken
   * already counts as started.
   */
  startCheckout: (name: string, input: CheckoutInput) => Promise<void>;
  /** Where the checkout execution of that name is (only the functions that look after stalled orders read it). */
  executionState?: (name: string) => Promise<ExecutionState>;
  publish: (...events: DomainEvent[]) => Promise<void>;
  /** The orders table's outbox: an event is written there with its change and removed once published. */
  outbox: Pick<Outbox, 'remove'>;
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
  /**
   * A later run of the machine for the order: `resume` goes through the checkout without taking a step it had not
   * taken (the reconciler), `settle` starts by failing the order with `failure` (FailUnconfirmedOrder), then
   * compensates it, or commits the stock of one that is confirmed.
   */
  mode?: 'resume' | 'settle';
  failure?: { reason: string };
}

const clock = (deps: Pick<OrdersDeps, 'now'>): Date => (deps.now ?? (() => new Date()))();

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
  ...(record.attention && { attention: record.attention }),
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
  | 'OrderDelivered'
  | 'OrderRequiresAttention';

/**
 * An event about the order: its ids and correlation id, and `data`, the rest of the catalog's detail. It goes in
 * the outbox with the write that makes it true, then out with deliver().
 */
const orderEvent = <T extends OrderEventType>(
  record: OrderRecord,
  detailType: T,
  data: Omit<EventData<T>, 'orderId' | 'userId'>,
  at: Date,
): OwedEvent =>
  domainEvent(
    detailType,
    record.correlationId,
    { orderId: record.id, userId: record.userId, ...data } as EventData<T> & Record<string, unknown>,
    at,
  ) as OwedEvent;

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

/** OrderPlaced: written with the order, published once its saga has started. */
const placedEvent = (record: OrderRecord, at: Date) =>
  orderEvent(
    record,
    'OrderPlaced',
    { totalCents: record.totalCents, currency: record.currency, lines: record.lines },
    at,
  );

/** Starts the saga of an order just stored (its execution is named after the order), then announces it. */
const launch = async (deps: OrdersDeps, record: OrderRecord, placed: OwedEvent): Promise<Order> => {
  try {
    await deps.startCheckout(record.id, checkoutInput(record));
  } catch (error) {
    // Without a saga nothing would ever settle the order: fail it now, then report the error.
    const at = clock(deps);
    await deps.orders.transition(
      record.id,
      ['PENDING'],
      { status: 'FAILED', at: at.toISOString(), reason: 'CHECKOUT_NOT_STARTED' },
      { failureReason: 'CHECKOUT_NOT_STARTED' },
      [orderEvent(record, 'OrderFailed', { reason: 'CHECKOUT_NOT_STARTED' }, at)],
    );
    throw error;
  }
  await deliver(deps, [placed]);
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
  const placed = placedEvent(record, clock(deps));
  if (!(await deps.orders.create(record, [placed]))) throw new Error(`Order id ${record.id} is taken`);
  return launch(deps, record, placed);
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
 * it died before starting it; a saga that runs or ran is left as it is, and so is an order the reconciler took
 * over), another request is refused.
 */
const replayKeyed = async (deps: OrdersDeps, record: OrderRecord, userId: string, requestHash: string) => {
  if (record.userId !== userId || record.requestHash !== requestHash) throw new IdempotencyKeyReusedError();
  if (record.status === 'PENDING' && record.execution === undefined) {
    await deps.startCheckout(record.id, checkoutInput(record));
  }
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
  const placed = placedEvent(record, clock(deps));
  if (await deps.orders.create(record, [placed])) return launch(deps, record, placed);
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

/**
 * One status change of the order, with the event it owes the bus (built from the order as read, at the change's
 * time) written in the same transaction and published right after. Answers the order read again after the write,
 * or, for a caller that needs only the new status and the order's fixed fields (`asRead`), the order as read with
 * the change applied (one read less).
 */
const move = async (
  deps: OrdersDeps,
  record: OrderRecord,
  from: OrderStatus[],
  entry: Omit<HistoryEntry, 'at'>,
  extra: TransitionExtra = {},
  event?: (at: Date) => OwedEvent,
  { asRead = false }: { asRead?: boolean } = {},
) => {
  const at = clock(deps);
  const events = event ? [event(at)] : [];
  const updated = await deps.orders.transition(
    record.id,
    from,
    { ...entry, at: at.toISOString() },
    extra,
    events,
    asRead ? record : undefined,
  );
  await deliver(deps, events);
  return updated;
};

/**
 * Cancels a PENDING or CONFIRMED order. A confirmed order's refund and restock follow from the OrderCancelled
 * event; a pending one's saga finds the order cancelled and compensates itself, and should it have no saga any
 * more, the OrderCancelled event has the order settled (settleCancelledOrder).
 */
export const cancelOrder = async (deps: OrdersDeps, principal: Principal, id: string) => {
  const record = await visibleOrder(deps, principal, id);
  if (record.status !== 'PENDING' && record.status !== 'CONFIRMED') {
    throw new InvalidTransitionError(id, 'CANCELLED', record.status);
  }
  const previousStatus = record.status;
  const updated = await move(deps, record, [previousStatus], { status: 'CANCELLED', by: principal.userId }, {}, (at) =>
    orderEvent(
      record,
      'OrderCancelled',
      { previousStatus, lines: record.lines, totalCents: record.totalCents, currency: record.currency },
      at,
    ),
  );
  return toOrder(updated);
};

export const shipOrder = async (deps: OrdersDeps, principal: Principal, id: string) => {
  const record = await visibleOrder(deps, principal, id);
  const updated = await move(deps, record, ['CONFIRMED'], { status: 'SHIPPED', by: principal.userId }, {}, (at) =>
    orderEvent(record, 'OrderShipped', {}, at),
  );
  return toOrder(updated);
};

export const deliverOrder = async (deps: OrdersDeps, principal: Principal, id: string) => {
  const record = await visibleOrder(deps, principal, id);
  const updated = await move(deps, record, ['SHIPPED'], { status: 'DELIVERED', by: principal.userId }, {}, (at) =>
    orderEvent(record, 'OrderDelivered', {}, at),
  );
  return toOrder(updated);
};

const wasConfirmed = (record: OrderRecord) => record.history.some((entry) => entry.status === 'CONFIRMED');

/**
 * Saga step: PENDING -> CONFIRMED, with OrderConfirmed. Safe to retry after it succeeded, even when the earlier
 * attempt's write lands after this one read the order: an order confirmed once (whatever became of it since) is a
 * success; its event went into the outbox with that write, so the bus gets it whatever became of the attempt.
 * Anything else (cancelled before confirmation) is an InvalidTransitionError, for the saga to compensate.
 */
export const confirmOrder = async (deps: OrdersDeps, orderId: string, paymentId?: string) => {
  const record = await deps.orders.get(orderId);
  if (!record) throw new OrderNotFoundError(orderId);
  if (wasConfirmed(record)) return { orderId, status: record.status };
  try {
    const confirmed = await move(
      deps,
      record,
      ['PENDING'],
      { status: 'CONFIRMED' },
      { ...(paymentId && { paymentId }) },
      (at) =>
        orderEvent(
          record,
          'OrderConfirmed',
          {
            totalCents: record.totalCents,
            currency: record.currency,
            lines: record.lines,
            shippingAddress: record.shippingAddress,
            placedAt: record.createdAt,
          },
          at,
        ),
      { asRead: true },
    );
    return { orderId, status: confirmed.status };
  } catch (error) {
    if (!(error instanceof InvalidTransitionError)) throw error;
    const current = await deps.orders.get(orderId);
    if (!current || !wasConfirmed(current)) throw error;
    return { orderId, status: current.status };
  }
};

/**
 * Saga compensation (FailOrder, after the others; FailUnconfirmedOrder, before them where the order may have been
 * confirmed meanwhile): PENDING -> FAILED with the reason, and OrderFailed; an order already settled is left as it
 * is. Answers the status, for the saga to tell a confirmed order (never undone) from one to compensate.
 */
export const failOrder = async (deps: OrdersDeps, orderId: string, reason: string) => {
  const record = await deps.orders.get(orderId);
  if (!record) throw new OrderNotFoundError(orderId);
  if (record.status !== 'PENDING') return { orderId, status: record.status };
  try {
    const failed = await move(
      deps,
      record,
      ['PENDING'],
      { status: 'FAILED', reason },
      { failureReason: reason },
      (at) => orderEvent(record, 'OrderFailed', { reason }, at),
      { asRead: true },
    );
    return { orderId, status: failed.status };
  } catch (error) {
    if (!(error instanceof InvalidTransitionError)) throw error;
    return { orderId, status: (await deps.orders.get(orderId))?.status };
  }
};

/** The saga steps whose failure can leave an order needing attention, by the state's error path. */
export const ATTENTION_STEPS = {
  refundError: 'RefundPayment',
  releaseError: 'ReleaseStock',
  failOrderError: 'FailOrder',
  commitError: 'CommitStock',
} as const;

/**
 * The saga's way out of a step that kept failing (and the reconciler's, for an order no run could settle): the order
 * becomes REQUIRES_ATTENTION, remembering the status it had and why, with OrderRequiresAttention. Safe to repeat.
 */
export const requireAttention = async (
  deps: OrdersDeps,
  orderId: string,
  cause: { reason: string; steps: string[] },
) => {
  for (let attempt = 0; attempt < 3; attempt++) {
    const record = await deps.orders.get(orderId);
    if (!record) throw new OrderNotFoundError(orderId);
    const from = record.status;
    if (from === 'REQUIRES_ATTENTION') return { orderId, status: from };
    const at = clock(deps);
    const attention = { from, reason: cause.reason, steps: cause.steps, at: at.toISOString() };
    try {
      await move(
        deps,
        record,
        [from],
        { status: 'REQUIRES_ATTENTION', reason: cause.reason },
        { attention },
        (eventAt) =>
          orderEvent(
            record,
            'OrderRequiresAttention',
            {
              previousStatus: from,
              reason: cause.reason,
              steps: cause.steps,
              totalCents: record.totalCents,
              currency: record.currency,
            },
            eventAt,
          ),
        { asRead: true },
      );
      logger.error('order requires attention', { orderId, ...attention });
      return { orderId, status: 'REQUIRES_ATTENTION' as const };
    } catch (error) {
      // Its status changed under us (a cancellation): mark it from the new one.
      if (!(error instanceof InvalidTransitionError)) throw error;
    }
  }
  throw new InvalidTransitionError(orderId, 'REQUIRES_ATTENTION');
};

/** A later run of the checkout machine for an order: claimed on the order first, so that only one caller starts it. */
const startRun = async (
  deps: OrdersDeps,
  record: OrderRecord,
  input: Pick<CheckoutInput, 'mode' | 'failure'>,
  statuses: OrderStatus[],
): Promise<string | undefined> => {
  const runsBefore = record.runs ?? 0;
  const name = `${record.id}-${input.mode}-${runsBefore + 1}`;
  if (!(await deps.orders.claimRun(record.id, { name, runsBefore, statuses }))) return undefined;
  await deps.startCheckout(name, { ...checkoutInput(record), ...input });
  return name;
};

/** The execution that works on the order now: the last run claimed, else its checkout. */
const currentExecution = (record: OrderRecord) => record.execution ?? record.id;

const executionStateOf = (deps: OrdersDeps, record: OrderRecord) => {
  if (!deps.executionState) throw new Error('This function cannot look at executions');
  return deps.executionState(currentExecution(record));
};

/**
 * OrderCancelled of a PENDING order: its saga, if it still runs, finds the order cancelled and compensates; if it
 * ended (or never started), a settling run refunds and releases what the order holds. Safe to repeat.
 */
export const settleCancelledOrder = async (deps: OrdersDeps, orderId: string) => {
  const record = await deps.orders.get(orderId);
  if (record?.status !== 'CANCELLED') return { orderId, run: undefined };
  if ((await executionStateOf(deps, record)) === 'RUNNING') return { orderId, run: undefined };
  const run = await startRun(deps, record, { mode: 'settle', failure: { reason: 'CANCELLED' } }, ['CANCELLED']);
  return { orderId, run };
};

/** How long a PENDING order may go before the reconciler looks at it: far beyond any checkout that runs. */
export const STALLED_AFTER_MS = 15 * 60_000;

/** Later runs the reconciler starts for one order before it hands the order to an admin. */
export const MAX_RECONCILE_RUNS = 3;

/**
 * The reconciler: every order PENDING for longer than `stalledAfterMs` whose execution is not running (it ended
 * without settling the order, or it never started) gets a run that resumes its checkout without taking a new step:
 * an order that was reserved and charged is confirmed, any other is failed (CHECKOUT_ABANDONED) and what it holds
 * given back. Nothing is reserved or charged this late: the customer, without an answer, may have ordered again.
 * After MAX_RECONCILE_RUNS runs that did not settle it, the order requires attention. Safe to run concurrently with
 * itself: a run is claimed on the order before it is started.
 */
export const reconcileStalledOrders = async (
  deps: OrdersDeps,
  { stalledAfterMs = STALLED_AFTER_MS, limit = 100 }: { stalledAfterMs?: number; limit?: number } = {},
) => {
  const before = new Date(clock(deps).getTime() - stalledAfterMs).toISOString();
  const stalled = await deps.orders.pendingSince(before, limit);
  const outcome = { looked: stalled.length, running: 0, resumed: [] as string[], attention: [] as string[] };
  for (const record of stalled) {
    if ((await executionStateOf(deps, record)) === 'RUNNING') {
      outcome.running++;
      continue;
    }
    if ((record.runs ?? 0) >= MAX_RECONCILE_RUNS) {
      await requireAttention(deps, record.id, { reason: 'NOT_SETTLED', steps: [] });
      outcome.attention.push(record.id);
      continue;
    }
    const run = await startRun(deps, record, { mode: 'resume' }, ['PENDING']);
    if (run) outcome.resumed.push(run);
  }
  return outcome;
};

/**
 * Admin: an order that requires attention goes back to the status it had, and a settling run does what was left
 * undone: refund and release (an order that had not been confirmed), or commit the stock (a confirmed one). If a
 * step fails again, the order requires attention again; so does it at once if the run cannot be started.
 */
export const resolveOrder = async (deps: OrdersDeps, principal: Principal, id: string) => {
  const record = await visibleOrder(deps, principal, id);
  const { attention } = record;
  if (record.status !== 'REQUIRES_ATTENTION' || !attention) {
    throw new InvalidTransitionError(id, 'resolved', record.status);
  }
  const restored = await move(
    deps,
    record,
    ['REQUIRES_ATTENTION'],
    { status: attention.from, by: principal.userId },
    { clearAttention: true },
  );
  const reason = record.failureReason ?? (attention.reason === 'NOT_SETTLED' ? 'CHECKOUT_ABANDONED' : attention.reason);
  try {
    await startRun(deps, restored, { mode: 'settle', failure: { reason } }, [attention.from]);
  } catch (error) {
    await requireAttention(deps, id, { reason: attention.reason, steps: attention.steps });
    throw error;
  }
  return toOrder(restored);
};
