import { describe, expect, it } from 'vitest';
import type { ProductRecord } from '../../../functions/catalog/store';
import {
  CartEmptyError,
  IdempotencyKeyReusedError,
  InvalidTransitionError,
  OrderNotFoundError,
} from '../../../functions/orders/errors';
import type { CreateOrderBody, OrderStatus } from '../../../functions/orders/schemas';
import {
  type CartLine,
  type CheckoutInput,
  cancelOrder,
  confirmOrder,
  deliverOrder,
  type ExecutionState,
  failOrder,
  getOrder,
  keyedOrderId,
  listOrders,
  MAX_RECONCILE_RUNS,
  type OrdersDeps,
  placeOrder,
  placeOrderWithKey,
  reconcileStalledOrders,
  requestHashOf,
  requireAttention,
  resolveOrder,
  settleCancelledOrder,
  shipOrder,
} from '../../../functions/orders/service';
import type { OrderRecord } from '../../../functions/orders/store';
import type { Principal } from '../../../functions/shared/api';
import { BusinessRuleError, ForbiddenError } from '../../../functions/shared/errors';
import type { DomainEvent } from '../../../functions/shared/events';
import { product } from '../catalog/fake-store';
import { memoryOrdersStore } from './fake-store';

const NOW = new Date('2026-03-01T12:00:00.000Z');
const ann: Principal = { userId: 'usr_ann', role: 'customer' };
const bob: Principal = { userId: 'usr_bob', role: 'customer' };
const admin: Principal = { userId: 'usr_admin', role: 'admin' };

const body: CreateOrderBody = {
  shippingAddress: { name: 'Ann', line1: '1 Main St', city: 'Springfield', postalCode: '12345', country: 'US' },
  paymentMethod: { type: 'card', token: 'tok_visa' },
};

const catalogProducts = () => [
  product({ id: 'laptop', sku: 'LAPTOP-001', name: 'Ultrabook', priceCents: 129_999 }),
  product({ id: 'mouse', sku: 'MOUSE-001', name: 'Mouse', priceCents: 2_550 }),
  product({ id: 'gone', deletedAt: '2026-02-01T00:00:00.000Z' }),
  product({ id: 'euro', priceCents: 500, currency: 'EUR' }),
];

/** The ports as maps and lists the tests read: the carts by user, the saga starts, the events published. */
const setup = ({
  carts = {},
  orders = [],
  products = catalogProducts(),
  executions = {},
}: {
  carts?: Record<string, CartLine[]>;
  orders?: OrderRecord[];
  products?: ProductRecord[];
  /** Executions by name; any other is absent. */
  executions?: Record<string, ExecutionState>;
} = {}) => {
  const store = memoryOrdersStore(orders);
  const catalog = new Map(products.map((p) => [p.id, p]));
  const started: { orderId: string; input: CheckoutInput }[] = [];
  const published: DomainEvent[] = [];
  const deps: OrdersDeps = {
    orders: store.store,
    catalog: { getProducts: async (ids) => ids.flatMap((id) => catalog.get(id) ?? []) },
    cartLines: async (userId) => carts[userId] ?? [],
    startCheckout: async (orderId, input) => {
      started.push({ orderId, input });
    },
    executionState: async (name) => executions[name] ?? 'ABSENT',
    publish: async (...events) => {
      published.push(...events);
    },
    outbox: store.outbox,
    now: () => NOW,
  };
  return { deps, store, catalog, started, published };
};

const order = (overrides: Partial<OrderRecord> & { id: string }): OrderRecord => ({
  userId: ann.userId,
  status: 'PENDING',
  lines: [
    { productId: 'mouse', sku: 'MOUSE-001', name: 'Mouse', quantity: 2, unitPriceCents: 2_550, lineTotalCents: 5_100 },
  ],
  currency: 'USD',
  totalCents: 5_100,
  shippingAddress: body.shippingAddress,
  paymentMethod: body.paymentMethod,
  history: [{ status: overrides.status ?? 'PENDING', at: '2026-02-01T00:00:00.000Z' }],
  correlationId: 'corr-1',
  createdAt: '2026-02-01T00:00:00.000Z',
  updatedAt: '2026-02-01T00:00:00.000Z',
  ...overrides,
});

describe('placeOrder', () => {
  it('refuses an empty cart, and neither stores an order nor starts a saga', async () => {
    const { deps, store, started } = setup();
    await expect(placeOrder(deps, { userId: ann.userId, body, correlationId: 'c' })).rejects.toBeInstanceOf(
      CartEmptyError,
    );
    expect(store.records.size).toBe(0);
    expect(started).toEqual([]);
  });

  it('prices every line from the catalog, not the cart, and totals in integer cents', async () => {
    const { deps, store } = setup({
      carts: {
        [ann.userId]: [
          { productId: 'laptop', quantity: 1 },
          { productId: 'mouse', quantity: 3 },
        ],
      },
    });
    const placed = await placeOrder(deps, { userId: ann.userId, body, correlationId: 'c' });
    expect(placed).toMatchObject({
      userId: ann.userId,
      status: 'PENDING',
      currency: 'USD',
      total: 1_376.49,
      items: [
        {
          productId: 'laptop',
          sku: 'LAPTOP-001',
          name: 'Ultrabook',
          quantity: 1,
          price: 1_299.99,
          lineTotal: 1_299.99,
        },
        { productId: 'mouse', sku: 'MOUSE-001', name: 'Mouse', quantity: 3, price: 25.5, lineTotal: 76.5 },
      ],
      paymentMethod: { type: 'card' },
      history: [{ status: 'PENDING', at: NOW.toISOString() }],
    });
    // The card token stays in the stored order (the saga charges it) but is not echoed.
    expect(JSON.stringify(placed)).not.toContain('tok_visa');
    const stored = store.records.get(placed.id);
    expect(stored?.totalCents).toBe(137_649);
    expect(stored?.lines.map((line) => line.unitPriceCents)).toEqual([129_999, 2_550]);
  });

  it('starts the checkout saga with the order id, then announces OrderPlaced', async () => {
    const { deps, started, published } = setup({ carts: { [ann.userId]: [{ productId: 'mouse', quantity: 2 }] } });
    const placed = await placeOrder(deps, { userId: ann.userId, body, correlationId: 'corr-42' });
    expect(placed.id).toMatch(/^ord_[0-9a-f-]{36}$/);
    expect(started).toEqual([
      {
        orderId: placed.id,
        input: {
          orderId: placed.id,
          userId: ann.userId,
          correlationId: 'corr-42',
          currency: 'USD',
          totalCents: 5_100,
          lines: [
            {
              productId: 'mouse',
              sku: 'MOUSE-001',
              name: 'Mouse',
              quantity: 2,
              unitPriceCents: 2_550,
              lineTotalCents: 5_100,
            },
          ],
          paymentMethod: body.paymentMethod,
        },
      },
    ]);
    expect(published).toEqual([
      expect.objectContaining({
        context: 'orders',
        detailType: 'OrderPlaced',
        correlationId: 'corr-42',
        data: expect.objectContaining({ orderId: placed.id, userId: ann.userId, totalCents: 5_100 }),
      }),
    ]);
  });

  it('refuses products the catalog no longer sells, naming them', async () => {
    const { deps, store, started } = setup({
      carts: {
        [ann.userId]: [
          { productId: 'mouse', quantity: 1 },
          { productId: 'gone', quantity: 1 },
          { productId: 'unknown', quantity: 1 },
        ],
      },
    });
    const error = await placeOrder(deps, { userId: ann.userId, body, correlationId: 'c' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BusinessRuleError);
    expect(error).toMatchObject({ code: 'PRODUCT_UNAVAILABLE', message: 'No longer sold: gone, unknown' });
    expect(store.records.size).toBe(0);
    expect(started).toEqual([]);
  });

  it('refuses a cart in two currencies', async () => {
    const { deps, store } = setup({
      carts: {
        [ann.userId]: [
          { productId: 'mouse', quantity: 1 },
          { productId: 'euro', quantity: 1 },
        ],
      },
    });
    await expect(placeOrder(deps, { userId: ann.userId, body, correlationId: 'c' })).rejects.toMatchObject({
      code: 'MIXED_CURRENCIES',
    });
    expect(store.records.size).toBe(0);
  });

  it('fails the order when the saga cannot be started, and reports the error; both events are owed, in the outbox', async () => {
    const { deps, store, published } = setup({ carts: { [ann.userId]: [{ productId: 'mouse', quantity: 1 }] } });
    const refused = new Error('StateMachineDoesNotExist');
    deps.startCheckout = async () => {
      throw refused;
    };
    await expect(placeOrder(deps, { userId: ann.userId, body, correlationId: 'c' })).rejects.toBe(refused);
    const [stored] = [...store.records.values()];
    expect(stored).toMatchObject({ status: 'FAILED', failureReason: 'CHECKOUT_NOT_STARTED' });
    expect(stored?.history.map((entry) => entry.status)).toEqual(['PENDING', 'FAILED']);
    // Not published now: the sweeper publishes both (the order was placed, then failed).
    expect(published).toEqual([]);
    expect([...store.owed.values()].map((event) => event.detailType).sort()).toEqual(['OrderFailed', 'OrderPlaced']);
  });

  it('keeps a placed order when its event cannot be published, and its event in the outbox', async () => {
    const { deps, store, started } = setup({ carts: { [ann.userId]: [{ productId: 'mouse', quantity: 1 }] } });
    deps.publish = async () => {
      throw new Error('bus down');
    };
    const placed = await placeOrder(deps, { userId: ann.userId, body, correlationId: 'c' });
    expect(store.records.get(placed.id)?.status).toBe('PENDING');
    expect(started).toHaveLength(1);
    expect([...store.owed.values()]).toEqual([
      expect.objectContaining({ detailType: 'OrderPlaced', data: expect.objectContaining({ orderId: placed.id }) }),
    ]);
  });

  it('empties the outbox of what it published', async () => {
    const { deps, store, published } = setup({ carts: { [ann.userId]: [{ productId: 'mouse', quantity: 1 }] } });
    await placeOrder(deps, { userId: ann.userId, body, correlationId: 'c' });
    expect(published).toHaveLength(1);
    expect(store.owed.size).toBe(0);
  });
});

describe('placeOrderWithKey', () => {
  const keyed = (deps: OrdersDeps, key: string, overrides: Partial<CreateOrderBody> = {}, correlationId = 'c') =>
    placeOrderWithKey(deps, {
      userId: ann.userId,
      body: { ...body, ...overrides },
      correlationId,
      idempotencyKey: key,
    });

  it('places one order per user and key, forever: a retry answers it without placing another', async () => {
    const { deps, store, published } = setup({ carts: { [ann.userId]: [{ productId: 'mouse', quantity: 2 }] } });
    const first = await keyed(deps, 'key-1');
    expect(first.id).toBe(keyedOrderId(ann.userId, 'key-1'));
    await store.store.transition(first.id, ['PENDING'], { status: 'CONFIRMED', at: NOW.toISOString() });
    const again = await keyed(deps, 'key-1', {}, 'another-correlation');
    expect(again).toMatchObject({ id: first.id, status: 'CONFIRMED' });
    expect(store.records.size).toBe(1);
    expect(published.map((event) => event.detailType)).toEqual(['OrderPlaced']);
  });

  it('gives concurrent duplicates the one order, and another user or key another one', async () => {
    const { deps, store } = setup({
      carts: {
        [ann.userId]: [{ productId: 'mouse', quantity: 1 }],
        [bob.userId]: [{ productId: 'mouse', quantity: 1 }],
      },
    });
    const replies = await Promise.all(Array.from({ length: 5 }, () => keyed(deps, 'key-1')));
    expect(new Set(replies.map((order) => order.id))).toEqual(new Set([keyedOrderId(ann.userId, 'key-1')]));
    const bobs = await placeOrderWithKey(deps, {
      userId: bob.userId,
      body,
      correlationId: 'c',
      idempotencyKey: 'key-1',
    });
    const other = await keyed(deps, 'key-2');
    expect(new Set([replies[0]?.id, bobs.id, other.id]).size).toBe(3);
    expect(store.records.size).toBe(3);
  });

  it('refuses the key with another request, and keeps the order as it was', async () => {
    const { deps, store } = setup({ carts: { [ann.userId]: [{ productId: 'mouse', quantity: 1 }] } });
    const first = await keyed(deps, 'key-1');
    await expect(
      keyed(deps, 'key-1', { paymentMethod: { type: 'card', token: 'tok_mastercard' } }),
    ).rejects.toBeInstanceOf(IdempotencyKeyReusedError);
    expect(store.records.get(first.id)?.paymentMethod.token).toBe('tok_visa');
  });

  it('takes the same request in another key order as the same request', () => {
    const reordered = {
      paymentMethod: { token: 'tok_visa', type: 'card' },
      shippingAddress: Object.fromEntries(Object.entries(body.shippingAddress).reverse()),
    } as CreateOrderBody;
    expect(requestHashOf(reordered)).toBe(requestHashOf(body));
  });

  it('starts the saga of an order whose placing call died before starting it, and answers that order', async () => {
    const id = keyedOrderId(ann.userId, 'key-1');
    const orphan = order({ id, requestHash: requestHashOf(body) });
    // The cart was emptied since: the stored order answers, not the cart.
    const { deps, store, started } = setup({ orders: [orphan] });
    const replayed = await keyed(deps, 'key-1');
    expect(replayed).toMatchObject({ id, status: 'PENDING' });
    expect(started).toEqual([{ orderId: id, input: expect.objectContaining({ orderId: id, totalCents: 5_100 }) }]);
    expect(store.records.size).toBe(1);
  });

  it('leaves the saga of a settled order alone', async () => {
    const id = keyedOrderId(ann.userId, 'key-1');
    const { deps, started } = setup({ orders: [order({ id, status: 'FAILED', requestHash: requestHashOf(body) })] });
    expect((await keyed(deps, 'key-1')).status).toBe('FAILED');
    expect(started).toEqual([]);
  });
});

describe('cancelOrder', () => {
  it.each(['PENDING', 'CONFIRMED'] as const)('cancels a %s order of its owner and announces it', async (status) => {
    const { deps, store, published } = setup({ orders: [order({ id: 'ord_1', status })] });
    const cancelled = await cancelOrder(deps, ann, 'ord_1');
    expect(cancelled.status).toBe('CANCELLED');
    expect(store.records.get('ord_1')?.history.at(-1)).toEqual({
      status: 'CANCELLED',
      at: NOW.toISOString(),
      by: ann.userId,
    });
    expect(published).toEqual([
      expect.objectContaining({
        detailType: 'OrderCancelled',
        data: expect.objectContaining({ orderId: 'ord_1', previousStatus: status, totalCents: 5_100 }),
      }),
    ]);
  });

  it.each(['SHIPPED', 'DELIVERED', 'FAILED', 'CANCELLED'] as const)(
    'refuses to cancel a %s order and changes nothing',
    async (status) => {
      const { deps, store, published } = setup({ orders: [order({ id: 'ord_1', status })] });
      await expect(cancelOrder(deps, ann, 'ord_1')).rejects.toBeInstanceOf(InvalidTransitionError);
      expect(store.records.get('ord_1')?.status).toBe(status);
      expect(store.records.get('ord_1')?.history).toHaveLength(1);
      expect(published).toEqual([]);
    },
  );

  it('loses to a change made after it read the order: the store refuses the stale status', async () => {
    const { deps, store, published } = setup({ orders: [order({ id: 'ord_1', status: 'PENDING' })] });
    const read = deps.orders.get;
    deps.orders = {
      ...deps.orders,
      get: async (id) => {
        const seen = await read(id);
        // The saga fails the order between the cancel's read and its write.
        await store.store.transition(id, ['PENDING'], { status: 'FAILED', at: NOW.toISOString(), reason: 'X' });
        return seen;
      },
    };
    await expect(cancelOrder(deps, ann, 'ord_1')).rejects.toBeInstanceOf(InvalidTransitionError);
    expect(store.records.get('ord_1')?.status).toBe('FAILED');
    expect(published).toEqual([]);
  });
});

describe('shipOrder and deliverOrder', () => {
  it('moves a confirmed order to SHIPPED, then DELIVERED, recording the admin who did it', async () => {
    const { deps, store, published } = setup({ orders: [order({ id: 'ord_1', status: 'CONFIRMED' })] });
    expect((await shipOrder(deps, admin, 'ord_1')).status).toBe('SHIPPED');
    expect((await deliverOrder(deps, admin, 'ord_1')).status).toBe('DELIVERED');
    expect(store.records.get('ord_1')?.history.slice(1)).toEqual([
      { status: 'SHIPPED', at: NOW.toISOString(), by: admin.userId },
      { status: 'DELIVERED', at: NOW.toISOString(), by: admin.userId },
    ]);
    expect(published.map((event) => event.detailType)).toEqual(['OrderShipped', 'OrderDelivered']);
  });

  it.each<[string, OrderStatus, (deps: OrdersDeps, p: Principal, id: string) => Promise<unknown>]>([
    ['ship', 'PENDING', shipOrder],
    ['ship', 'SHIPPED', shipOrder],
    ['ship', 'CANCELLED', shipOrder],
    ['deliver', 'CONFIRMED', deliverOrder],
    ['deliver', 'DELIVERED', deliverOrder],
  ])('refuses to %s a %s order', async (_, status, act) => {
    const { deps, store, published } = setup({ orders: [order({ id: 'ord_1', status })] });
    await expect(act(deps, admin, 'ord_1')).rejects.toBeInstanceOf(InvalidTransitionError);
    expect(store.records.get('ord_1')?.status).toBe(status);
    expect(published).toEqual([]);
  });
});

describe('ownership', () => {
  it("hides another customer's order as if it did not exist, for reading and cancelling", async () => {
    const { deps, store } = setup({ orders: [order({ id: 'ord_1', status: 'PENDING' })] });
    await expect(getOrder(deps, bob, 'ord_1')).rejects.toBeInstanceOf(OrderNotFoundError);
    await expect(cancelOrder(deps, bob, 'ord_1')).rejects.toBeInstanceOf(OrderNotFoundError);
    await expect(getOrder(deps, bob, 'ord_missing')).rejects.toBeInstanceOf(OrderNotFoundError);
    expect(store.records.get('ord_1')?.status).toBe('PENDING');
  });

  it('lets the owner and an admin read it, and an admin cancel it', async () => {
    const { deps } = setup({ orders: [order({ id: 'ord_1', status: 'CONFIRMED' })] });
    expect((await getOrder(deps, ann, 'ord_1')).id).toBe('ord_1');
    expect((await getOrder(deps, admin, 'ord_1')).id).toBe('ord_1');
    expect((await cancelOrder(deps, admin, 'ord_1')).status).toBe('CANCELLED');
  });

  it("lists the caller's own orders, newest first and paged; another's only for an admin", async () => {
    const { deps } = setup({
      orders: [
        order({ id: 'ord_a', createdAt: '2026-02-01T00:00:00.000Z' }),
        order({ id: 'ord_b', createdAt: '2026-02-03T00:00:00.000Z' }),
        order({ id: 'ord_c', createdAt: '2026-02-02T00:00:00.000Z' }),
        order({ id: 'ord_bob', userId: bob.userId }),
      ],
    });
    const first = await listOrders(deps, ann, { limit: 2 });
    expect(first.items.map((o) => o.id)).toEqual(['ord_b', 'ord_c']);
    const second = await listOrders(deps, ann, { limit: 2, cursor: first.nextCursor ?? undefined });
    expect(second).toMatchObject({ items: [{ id: 'ord_a' }], nextCursor: null });

    await expect(listOrders(deps, bob, { userId: ann.userId })).rejects.toBeInstanceOf(ForbiddenError);
    expect((await listOrders(deps, admin, { userId: bob.userId })).items.map((o) => o.id)).toEqual(['ord_bob']);
  });
});

describe('the saga steps', () => {
  it('confirms a pending order with its payment, once: a repeated confirmation changes nothing', async () => {
    const { deps, store, published } = setup({ orders: [order({ id: 'ord_1' })] });
    expect(await confirmOrder(deps, 'ord_1', 'pay_1')).toEqual({ orderId: 'ord_1', status: 'CONFIRMED' });
    expect(await confirmOrder(deps, 'ord_1', 'pay_1')).toEqual({ orderId: 'ord_1', status: 'CONFIRMED' });
    expect(store.records.get('ord_1')).toMatchObject({ status: 'CONFIRMED', paymentId: 'pay_1' });
    expect(store.records.get('ord_1')?.history).toHaveLength(2);
    expect(published.map((event) => event.detailType)).toEqual(['OrderConfirmed']);
  });

  it('refuses to confirm an order cancelled meanwhile, so the saga compensates', async () => {
    const { deps } = setup({ orders: [order({ id: 'ord_1', status: 'CANCELLED' })] });
    await expect(confirmOrder(deps, 'ord_1', 'pay_1')).rejects.toBeInstanceOf(InvalidTransitionError);
  });

  it('fails a pending order with the reason, and leaves a settled one as it is', async () => {
    const { deps, store, published } = setup({
      orders: [order({ id: 'ord_1' }), order({ id: 'ord_2', status: 'CANCELLED' })],
    });
    expect(await failOrder(deps, 'ord_1', 'PAYMENT_DECLINED')).toEqual({ orderId: 'ord_1', status: 'FAILED' });
    expect(store.records.get('ord_1')).toMatchObject({ status: 'FAILED', failureReason: 'PAYMENT_DECLINED' });
    expect(await failOrder(deps, 'ord_2', 'PAYMENT_DECLINED')).toEqual({ orderId: 'ord_2', status: 'CANCELLED' });
    expect(store.records.get('ord_2')?.failureReason).toBeUndefined();
    expect(published.map((event) => [event.detailType, event.data.orderId])).toEqual([['OrderFailed', 'ord_1']]);
  });
});

describe('the saga steps, retried after they succeeded', () => {
  it('confirms when an earlier attempt, timed out, wrote the confirmation after this one read the order', async () => {
    const { deps, store, published } = setup({ orders: [order({ id: 'ord_1' })] });
    const read = deps.orders.get;
    let late = true;
    deps.orders = {
      ...deps.orders,
      get: async (id) => {
        const seen = await read(id);
        if (late) {
          late = false;
          // The timed-out attempt's write lands between this attempt's read and its write (its event with it).
          await confirmOrder({ ...deps, orders: { ...deps.orders, get: read } }, id, 'pay_1');
        }
        return seen;
      },
    };
    expect(await confirmOrder(deps, 'ord_1', 'pay_1')).toEqual({ orderId: 'ord_1', status: 'CONFIRMED' });
    expect(store.records.get('ord_1')?.history.map((entry) => entry.status)).toEqual(['PENDING', 'CONFIRMED']);
    expect(published.map((event) => event.detailType)).toEqual(['OrderConfirmed']);
  });

  it('writes OrderConfirmed once, with the confirmation: a repeated step owes nothing more', async () => {
    const { deps, store, published } = setup({ orders: [order({ id: 'ord_1' })] });
    const publish = deps.publish;
    deps.publish = async () => {
      throw new Error('bus down');
    };
    await confirmOrder(deps, 'ord_1', 'pay_1');
    await confirmOrder(deps, 'ord_1', 'pay_1');
    expect([...store.owed.values()].map((event) => event.detailType)).toEqual(['OrderConfirmed']);
    deps.publish = publish;
    await confirmOrder(deps, 'ord_1', 'pay_1');
    // The sweeper publishes it; the step does not publish twice.
    expect(published).toEqual([]);
  });

  it('succeeds for an order confirmed and cancelled since: the cancellation refunds and restocks, not the saga', async () => {
    const confirmedThenCancelled = order({ id: 'ord_1', status: 'CANCELLED' });
    confirmedThenCancelled.history = [
      { status: 'PENDING', at: NOW.toISOString() },
      { status: 'CONFIRMED', at: NOW.toISOString() },
      { status: 'CANCELLED', at: NOW.toISOString(), by: ann.userId },
    ];
    const { deps } = setup({ orders: [confirmedThenCancelled] });
    expect(await confirmOrder(deps, 'ord_1', 'pay_1')).toEqual({ orderId: 'ord_1', status: 'CANCELLED' });
  });

  it('keeps the event in the outbox when the bus is down, without failing the step', async () => {
    const { deps, store } = setup({ orders: [order({ id: 'ord_1' })] });
    deps.publish = async () => {
      throw new Error('bus down');
    };
    expect(await confirmOrder(deps, 'ord_1', 'pay_1')).toEqual({ orderId: 'ord_1', status: 'CONFIRMED' });
    const [owed] = [...store.owed.values()];
    expect(owed).toMatchObject({ detailType: 'OrderConfirmed', at: NOW.toISOString() });
    expect(owed?.id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('fails once: a retry changes nothing and owes nothing more', async () => {
    const { deps, store, published } = setup({ orders: [order({ id: 'ord_1' })] });
    expect(await failOrder(deps, 'ord_1', 'OUT_OF_STOCK')).toEqual({ orderId: 'ord_1', status: 'FAILED' });
    expect(await failOrder(deps, 'ord_1', 'OUT_OF_STOCK')).toEqual({ orderId: 'ord_1', status: 'FAILED' });
    expect(published.map((event) => [event.detailType, event.data.reason])).toEqual([['OrderFailed', 'OUT_OF_STOCK']]);
    expect(store.records.get('ord_1')?.history).toHaveLength(2);
    expect(store.owed.size).toBe(0);
  });
});

describe('an order that requires attention', () => {
  it('remembers the status it had and why, publishes OrderRequiresAttention, and stays so when marked again', async () => {
    const { deps, store, published } = setup({ orders: [order({ id: 'ord_1', status: 'FAILED' })] });
    const cause = { reason: 'PAYMENT_ERROR', steps: ['RefundPayment'] };
    expect(await requireAttention(deps, 'ord_1', cause)).toEqual({ orderId: 'ord_1', status: 'REQUIRES_ATTENTION' });
    expect(await requireAttention(deps, 'ord_1', cause)).toEqual({ orderId: 'ord_1', status: 'REQUIRES_ATTENTION' });
    expect(store.records.get('ord_1')).toMatchObject({
      status: 'REQUIRES_ATTENTION',
      attention: { from: 'FAILED', reason: 'PAYMENT_ERROR', steps: ['RefundPayment'], at: NOW.toISOString() },
    });
    expect(published).toEqual([
      expect.objectContaining({
        detailType: 'OrderRequiresAttention',
        data: expect.objectContaining({ orderId: 'ord_1', previousStatus: 'FAILED', steps: ['RefundPayment'] }),
      }),
    ]);
  });

  it('is resolved by an admin: back to the status it had, and a settling run does what was left undone', async () => {
    const attention = {
      from: 'FAILED' as const,
      reason: 'PAYMENT_ERROR',
      steps: ['RefundPayment'],
      at: NOW.toISOString(),
    };
    const { deps, store, started } = setup({
      orders: [order({ id: 'ord_1', status: 'REQUIRES_ATTENTION', failureReason: 'PAYMENT_ERROR', attention })],
    });
    const resolved = await resolveOrder(deps, admin, 'ord_1');
    expect(resolved.status).toBe('FAILED');
    expect(store.records.get('ord_1')?.attention).toBeUndefined();
    expect(store.records.get('ord_1')?.history.at(-1)).toEqual({
      status: 'FAILED',
      at: NOW.toISOString(),
      by: admin.userId,
    });
    expect(started).toEqual([
      {
        orderId: 'ord_1-settle-1',
        input: expect.objectContaining({ orderId: 'ord_1', mode: 'settle', failure: { reason: 'PAYMENT_ERROR' } }),
      },
    ]);
    expect(store.records.get('ord_1')).toMatchObject({ runs: 1, execution: 'ord_1-settle-1' });
    await expect(resolveOrder(deps, admin, 'ord_1')).rejects.toBeInstanceOf(InvalidTransitionError);
  });

  it('requires attention again at once when the settling run cannot be started', async () => {
    const attention = {
      from: 'CANCELLED' as const,
      reason: 'CANCELLED',
      steps: ['ReleaseStock'],
      at: NOW.toISOString(),
    };
    const { deps, store } = setup({ orders: [order({ id: 'ord_1', status: 'REQUIRES_ATTENTION', attention })] });
    deps.startCheckout = async () => {
      throw new Error('throttled');
    };
    await expect(resolveOrder(deps, admin, 'ord_1')).rejects.toThrow('throttled');
    expect(store.records.get('ord_1')).toMatchObject({
      status: 'REQUIRES_ATTENTION',
      attention: { from: 'CANCELLED' },
    });
  });
});

describe('a cancelled order whose checkout no longer runs', () => {
  it('gets a settling run of its own (refund, release), once, unless its checkout still runs', async () => {
    const { deps, store, started } = setup({
      orders: [order({ id: 'ord_gone', status: 'CANCELLED' }), order({ id: 'ord_running', status: 'CANCELLED' })],
      executions: { ord_gone: 'ENDED', ord_running: 'RUNNING' },
    });
    expect(await settleCancelledOrder(deps, 'ord_gone')).toEqual({ orderId: 'ord_gone', run: 'ord_gone-settle-1' });
    expect(await settleCancelledOrder(deps, 'ord_running')).toEqual({ orderId: 'ord_running', run: undefined });
    expect(started).toEqual([
      {
        orderId: 'ord_gone-settle-1',
        input: expect.objectContaining({ mode: 'settle', failure: { reason: 'CANCELLED' }, lines: expect.any(Array) }),
      },
    ]);
    expect(store.records.get('ord_gone')?.execution).toBe('ord_gone-settle-1');
  });
});

describe('the reconciler', () => {
  const old = '2026-03-01T11:40:00.000Z';
  const recent = '2026-03-01T11:50:00.000Z';

  it('resumes each order PENDING for over 15 minutes whose execution is not running, and no other', async () => {
    const { deps, started } = setup({
      orders: [
        order({ id: 'ord_never_started', createdAt: old }),
        order({ id: 'ord_ended', createdAt: old }),
        order({ id: 'ord_running', createdAt: old }),
        order({ id: 'ord_recent', createdAt: recent }),
        order({ id: 'ord_confirmed', status: 'CONFIRMED', createdAt: old }),
      ],
      executions: { ord_ended: 'ENDED', ord_running: 'RUNNING', ord_recent: 'ENDED' },
    });
    const outcome = await reconcileStalledOrders(deps);
    expect(outcome).toEqual({
      looked: 3,
      running: 1,
      // Oldest first (here: by id, placed at the same time).
      resumed: ['ord_ended-resume-1', 'ord_never_started-resume-1'],
      attention: [],
    });
    expect(started.map((start) => [start.orderId, start.input.mode])).toEqual([
      ['ord_ended-resume-1', 'resume'],
      ['ord_never_started-resume-1', 'resume'],
    ]);
  });

  it('looks at the run it started, not the checkout, and starts the next one only when that one ended', async () => {
    const { deps, started, store } = setup({ orders: [order({ id: 'ord_1', createdAt: old })] });
    await reconcileStalledOrders(deps);
    deps.executionState = async (name) => (name === 'ord_1-resume-1' ? 'RUNNING' : 'ENDED');
    expect((await reconcileStalledOrders(deps)).running).toBe(1);
    deps.executionState = async () => 'ENDED';
    await reconcileStalledOrders(deps);
    expect(started.map((start) => start.orderId)).toEqual(['ord_1-resume-1', 'ord_1-resume-2']);
    expect(store.records.get('ord_1')?.runs).toBe(2);
  });

  it('hands an order to an admin once its runs could not settle it', async () => {
    const { deps, store, started, published } = setup({
      orders: [order({ id: 'ord_1', createdAt: old, runs: MAX_RECONCILE_RUNS, execution: 'ord_1-resume-3' })],
      executions: { 'ord_1-resume-3': 'ENDED' },
    });
    expect((await reconcileStalledOrders(deps)).attention).toEqual(['ord_1']);
    expect(started).toEqual([]);
    expect(store.records.get('ord_1')).toMatchObject({
      status: 'REQUIRES_ATTENTION',
      attention: { from: 'PENDING', reason: 'NOT_SETTLED' },
    });
    expect(published.map((event) => event.detailType)).toEqual(['OrderRequiresAttention']);
  });

  it('starts one run when two reconcilers look at once', async () => {
    const { deps, started } = setup({ orders: [order({ id: 'ord_1', createdAt: old })] });
    await Promise.all([reconcileStalledOrders(deps), reconcileStalledOrders(deps)]);
    expect(started.map((start) => start.orderId)).toEqual(['ord_1-resume-1']);
  });

  it('leaves a PENDING order of the reconciler alone when its Idempotency-Key is retried', async () => {
    const id = keyedOrderId(ann.userId, 'key-1');
    const { deps, started } = setup({
      orders: [order({ id, requestHash: requestHashOf(body), createdAt: old, runs: 1, execution: `${id}-resume-1` })],
    });
    await placeOrderWithKey(deps, { userId: ann.userId, body, correlationId: 'c', idempotencyKey: 'key-1' });
    expect(started).toEqual([]);
  });
});
