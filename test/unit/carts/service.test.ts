import { describe, expect, it } from 'vitest';
import {
  CartBusyError,
  CartFullError,
  CurrencyMismatchError,
  ItemNotInCartError,
  QuantityLimitError,
} from '../../../functions/carts/errors';
import { AddItemBody, UpdateItemBody } from '../../../functions/carts/schemas';
import {
  addItem,
  CART_TTL_SECONDS,
  type CartsDeps,
  clearCart,
  getCart,
  MAX_LINES,
  removeItem,
  updateItem,
} from '../../../functions/carts/service';
import type { CartsStore } from '../../../functions/carts/store';
import { ProductNotFoundError } from '../../../functions/catalog/errors';
import type { ProductRecord } from '../../../functions/catalog/store';
import { ValidationError } from '../../../functions/shared/errors';
import { parse } from '../../../functions/shared/validation';
import { product } from '../catalog/fake-store';
import { memoryCartsStore } from './fake-store';

const NOW = new Date('2026-03-01T12:00:00.000Z');
const NOW_SECONDS = NOW.getTime() / 1000;

/** The catalog is a map the tests change, as an admin would; getProducts stands for one BatchGet. */
const setup = (products: ProductRecord[] = defaultProducts(), now = () => NOW) => {
  const carts = memoryCartsStore();
  const catalog = new Map(products.map((p) => [p.id, p]));
  let batchGets = 0;
  const deps: CartsDeps = {
    carts: carts.store,
    catalog: {
      getProducts: async (ids) => {
        batchGets++;
        return ids.flatMap((id) => catalog.get(id) ?? []);
      },
    },
    now,
  };
  return { deps, carts, catalog, batchGets: () => batchGets };
};

/** A clock that moves on by `stepMs` at every reading; `last()` is the latest time it gave. */
const ticking = (stepMs: number) => {
  let time = NOW.getTime();
  const clock = () => {
    time += stepMs;
    return new Date(time);
  };
  return Object.assign(clock, { last: () => time });
};

const change = (catalog: Map<string, ProductRecord>, id: string, changes: Partial<ProductRecord>) => {
  const record = catalog.get(id);
  if (!record) throw new Error(`no product ${id}`);
  catalog.set(id, { ...record, ...changes });
};

const defaultProducts = () => [
  product({ id: 'laptop', sku: 'LAPTOP-001', name: 'Ultrabook', priceCents: 129_999 }),
  product({ id: 'dime', sku: 'DIME', name: 'Dime', priceCents: 10 }),
  product({ id: 'nickels', sku: 'NICKELS', name: 'Two nickels... and a dime', priceCents: 20 }),
  product({ id: 'gone', deletedAt: '2026-02-01T00:00:00.000Z' }),
  product({ id: 'euro', priceCents: 500, currency: 'EUR' }),
];

describe('addItem', () => {
  it('creates the cart from catalog data, in integer cents, with a 30-day expiry', async () => {
    const { deps, carts } = setup();
    const view = await addItem(deps, 'u1', { productId: 'laptop', quantity: 3 });
    expect(view).toEqual({
      userId: 'u1',
      items: [
        {
          productId: 'laptop',
          sku: 'LAPTOP-001',
          name: 'Ultrabook',
          price: 1299.99,
          quantity: 3,
          lineTotal: 3899.97,
          available: true,
        },
      ],
      itemCount: 3,
      subtotal: 3899.97,
      total: 3899.97,
      currency: 'USD',
    });
    const stored = carts.items.get('u1');
    expect(stored?.expiresAt).toBe(NOW_SECONDS + CART_TTL_SECONDS);
    expect(stored?.lines.get('laptop')).toEqual({
      productId: 'laptop',
      sku: 'LAPTOP-001',
      name: 'Ultrabook',
      unitPriceCents: 129_999,
      quantity: 3,
      addedAt: NOW.toISOString(),
    });
  });

  it('sums cents, not floating-point prices', async () => {
    const { deps } = setup();
    await addItem(deps, 'u1', { productId: 'dime', quantity: 1 });
    const view = await addItem(deps, 'u1', { productId: 'nickels', quantity: 1 });
    // 0.1 + 0.2 in floating point is 0.30000000000000004.
    expect(view.subtotal).toBe(0.3);
    expect(view.total).toBe(0.3);
    expect(view.itemCount).toBe(2);
  });

  it('adds to the quantity of a product already in the cart, refreshing its snapshot', async () => {
    const { deps, carts, catalog } = setup();
    await addItem(deps, 'u1', { productId: 'laptop', quantity: 1 });
    change(catalog, 'laptop', { name: 'Ultrabook II', priceCents: 99_900 });
    const view = await addItem(deps, 'u1', { productId: 'laptop', quantity: 2 });
    expect(view.items).toHaveLength(1);
    expect(view.items[0]).toMatchObject({ quantity: 3, name: 'Ultrabook II', price: 999, lineTotal: 2997 });
    expect(carts.items.get('u1')?.lines.get('laptop')).toMatchObject({
      quantity: 3,
      unitPriceCents: 99_900,
      addedAt: NOW.toISOString(),
    });
  });

  it('reads the cart once and asks the catalog once for the product and every line shown', async () => {
    const { deps, carts, batchGets } = setup();
    await addItem(deps, 'u1', { productId: 'dime', quantity: 1 });
    carts.calls.length = 0;
    const before = batchGets();
    await addItem(deps, 'u1', { productId: 'nickels', quantity: 1 });
    expect(batchGets() - before).toBe(1);
    expect(carts.calls).toEqual(['read', 'addLine']);
  });

  it('allows 99 of a product and refuses a 100th with QUANTITY_LIMIT, leaving the line as it was', async () => {
    const { deps, carts } = setup();
    await addItem(deps, 'u1', { productId: 'dime', quantity: 98 });
    expect((await addItem(deps, 'u1', { productId: 'dime', quantity: 1 })).items[0]?.quantity).toBe(99);
    const error = await addItem(deps, 'u1', { productId: 'dime', quantity: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QuantityLimitError);
    expect(error).toMatchObject({ status: 422, code: 'QUANTITY_LIMIT', name: 'QuantityLimitError' });
    expect(carts.items.get('u1')?.lines.get('dime')?.quantity).toBe(99);
  });

  it(`holds ${MAX_LINES} different products and refuses one more with CART_FULL`, async () => {
    const many = Array.from({ length: MAX_LINES + 1 }, (_, i) => product({ id: `p${i}` }));
    const { deps, carts } = setup(many);
    for (let i = 0; i < MAX_LINES; i++) await addItem(deps, 'u1', { productId: `p${i}`, quantity: 1 });
    await expect(addItem(deps, 'u1', { productId: `p${MAX_LINES}`, quantity: 1 })).rejects.toMatchObject({
      status: 422,
      code: 'CART_FULL',
    });
    await expect(addItem(deps, 'u1', { productId: `p${MAX_LINES}`, quantity: 1 })).rejects.toBeInstanceOf(
      CartFullError,
    );
    expect(carts.items.get('u1')?.lines.size).toBe(MAX_LINES);
    // A product already in a full cart can still be added to.
    const view = await addItem(deps, 'u1', { productId: 'p0', quantity: 1 });
    expect(view.items.find((item) => item.productId === 'p0')?.quantity).toBe(2);
  });

  it.each(['missing', 'gone'])('refuses product %s with PRODUCT_NOT_FOUND and writes nothing', async (productId) => {
    const { deps, carts } = setup();
    const error = await addItem(deps, 'u1', { productId, quantity: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProductNotFoundError);
    expect(error).toMatchObject({ status: 404, code: 'PRODUCT_NOT_FOUND' });
    expect(carts.items.size).toBe(0);
  });

  it('keeps a cart to one currency', async () => {
    const { deps } = setup();
    await addItem(deps, 'u1', { productId: 'dime', quantity: 1 });
    await expect(addItem(deps, 'u1', { productId: 'euro', quantity: 1 })).rejects.toBeInstanceOf(CurrencyMismatchError);
    const euros = await addItem(deps, 'u2', { productId: 'euro', quantity: 2 });
    expect(euros).toMatchObject({ currency: 'EUR', total: 10 });
  });

  it('reads again when a concurrent request created the cart first, and merges into its line', async () => {
    const { deps, carts } = setup();
    const racing: CartsStore = {
      ...carts.store,
      create: async (userId, line, stamp) => {
        // Another request wins the race for the same product just before this write.
        await carts.store.create(userId, { ...line, quantity: 5 }, stamp);
        racing.create = carts.store.create;
        return carts.store.create(userId, line, stamp);
      },
    };
    const view = await addItem({ ...deps, carts: racing }, 'u1', { productId: 'dime', quantity: 1 });
    expect(view.items).toEqual([expect.objectContaining({ productId: 'dime', quantity: 6 })]);
  });

  it('gives up with CART_BUSY (409) when every write loses a race', async () => {
    const { deps, carts } = setup();
    const losing: CartsStore = { ...carts.store, create: async () => undefined };
    const error = await addItem({ ...deps, carts: losing }, 'u1', { productId: 'dime', quantity: 1 }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CartBusyError);
    expect(error).toMatchObject({ status: 409, code: 'CART_BUSY' });
  });

  it('starts a new cart over one that expired but was not yet removed by TTL', async () => {
    const { deps, carts } = setup();
    await addItem(deps, 'u1', { productId: 'laptop', quantity: 1 });
    const later = new Date(NOW.getTime() + (CART_TTL_SECONDS + 1) * 1000);
    const view = await addItem({ ...deps, now: () => later }, 'u1', { productId: 'dime', quantity: 1 });
    expect(view.items.map((item) => item.productId)).toEqual(['dime']);
    expect(carts.items.get('u1')?.expiresAt).toBe(Math.floor(later.getTime() / 1000) + CART_TTL_SECONDS);
  });
});

describe('getCart', () => {
  it('answers an absent cart with no items, without asking the catalog', async () => {
    const { deps, batchGets } = setup();
    expect(await getCart(deps, 'nobody')).toEqual({
      userId: 'nobody',
      items: [],
      itemCount: 0,
      subtotal: 0,
      total: 0,
      currency: 'USD',
    });
    expect(batchGets()).toBe(0);
  });

  it('shows current catalog names and prices, and withdrawn products as unavailable, outside the totals', async () => {
    const { deps, carts, catalog, batchGets } = setup(undefined, ticking(1000));
    await addItem(deps, 'u1', { productId: 'laptop', quantity: 1 });
    await addItem(deps, 'u1', { productId: 'dime', quantity: 4 });
    change(catalog, 'laptop', { name: 'Ultrabook (2026)', priceCents: 119_999 });
    change(catalog, 'dime', { name: 'Dime (old)', priceCents: 5, deletedAt: '2026-03-01T13:00:00.000Z' });
    const before = batchGets();
    const view = await getCart(deps, 'u1');
    expect(batchGets() - before).toBe(1);
    expect(view.items).toEqual([
      {
        productId: 'laptop',
        sku: 'LAPTOP-001',
        name: 'Ultrabook (2026)',
        price: 1199.99,
        quantity: 1,
        lineTotal: 1199.99,
        available: true,
      },
      { productId: 'dime', sku: 'DIME', name: 'Dime', price: 0.1, quantity: 4, lineTotal: 0.4, available: false },
    ]);
    expect(view).toMatchObject({ itemCount: 1, subtotal: 1199.99, total: 1199.99 });
    // Reading changes nothing.
    expect(carts.items.get('u1')?.lines.get('laptop')?.unitPriceCents).toBe(129_999);
  });

  it('lists lines oldest first', async () => {
    const { deps } = setup(undefined, ticking(1000));
    for (const productId of ['nickels', 'laptop', 'dime']) await addItem(deps, 'u1', { productId, quantity: 1 });
    expect((await getCart(deps, 'u1')).items.map((item) => item.productId)).toEqual(['nickels', 'laptop', 'dime']);
  });
});

describe('updateItem and removeItem', () => {
  it('sets a quantity, and 0 removes the line', async () => {
    const clock = ticking(60_000);
    const { deps, carts } = setup(undefined, clock);
    await addItem(deps, 'u1', { productId: 'dime', quantity: 1 });
    await addItem(deps, 'u1', { productId: 'nickels', quantity: 1 });
    const updated = await updateItem(deps, 'u1', 'dime', 7);
    expect(updated.items.find((item) => item.productId === 'dime')).toMatchObject({ quantity: 7, lineTotal: 0.7 });
    expect(updated.subtotal).toBe(0.9);
    expect(carts.items.get('u1')?.expiresAt).toBe(Math.floor(clock.last() / 1000) + CART_TTL_SECONDS);
    const removed = await updateItem(deps, 'u1', 'dime', 0);
    expect(removed.items.map((item) => item.productId)).toEqual(['nickels']);
  });

  it('removes a line, and refuses lines not in the cart with ITEM_NOT_IN_CART', async () => {
    const { deps } = setup();
    await expect(removeItem(deps, 'u1', 'dime')).rejects.toBeInstanceOf(ItemNotInCartError);
    await expect(updateItem(deps, 'u1', 'dime', 2)).rejects.toMatchObject({ status: 404, code: 'ITEM_NOT_IN_CART' });
    await addItem(deps, 'u1', { productId: 'dime', quantity: 1 });
    expect((await removeItem(deps, 'u1', 'dime')).items).toEqual([]);
    await expect(removeItem(deps, 'u1', 'dime')).rejects.toBeInstanceOf(ItemNotInCartError);
    await expect(updateItem(deps, 'u1', 'dime', 0)).rejects.toBeInstanceOf(ItemNotInCartError);
  });
});

describe('clearCart', () => {
  it('empties the cart, and clearing again is harmless', async () => {
    const { deps, carts } = setup();
    await addItem(deps, 'u1', { productId: 'dime', quantity: 1 });
    await clearCart(deps, 'u1');
    await clearCart(deps, 'u1');
    expect(carts.items.has('u1')).toBe(false);
    expect((await getCart(deps, 'u1')).items).toEqual([]);
  });
});

describe('the request bodies', () => {
  it("accept the original API's add-to-cart body; only the given fields, with sizes bounded", () => {
    const readme = {
      productId: 'prod-laptop-001',
      sku: 'LAPTOP-001',
      name: 'Premium Ultrabook Pro 15',
      price: 1299.99,
      quantity: 1,
    };
    expect(parse(AddItemBody, readme, 'body')).toEqual(readme);
    expect(parse(AddItemBody, { productId: 'p', quantity: 99 }, 'body')).toEqual({ productId: 'p', quantity: 99 });
  });

  it.each([
    { productId: 'p', quantity: 0 },
    { productId: 'p', quantity: 100 },
    { productId: 'p', quantity: 1.5 },
    { productId: 'p', quantity: '1' },
    { productId: 'p' },
    { quantity: 1 },
    { productId: '../etc', quantity: 1 },
    { productId: 'p', quantity: 1, userId: 'someone-else' },
    { productId: 'p', quantity: 1, price: -1 },
    { productId: 'p', quantity: 1, price: '1299.99' },
    { productId: 'p', quantity: 1, name: 'x'.repeat(201) },
    { productId: 'p', quantity: 1, sku: 42 },
  ])('refuse %j', (body) => {
    expect(() => parse(AddItemBody, body, 'body')).toThrow(ValidationError);
  });

  it('take quantities 0 to 99 in an update', () => {
    expect(parse(UpdateItemBody, { quantity: 0 }, 'body')).toEqual({ quantity: 0 });
    for (const quantity of [-1, 100, 2.5]) {
      expect(() => parse(UpdateItemBody, { quantity }, 'body')).toThrow(ValidationError);
    }
    expect(() => parse(UpdateItemBody, { quantity: 1, price: 1 }, 'body')).toThrow(ValidationError);
  });
});
