import { ProductNotFoundError } from '../catalog/errors';
import type { CatalogStore, ProductRecord } from '../catalog/store';
import { fromCents } from '../shared/money';
import { CartBusyError, CartFullError, CurrencyMismatchError, ItemNotInCartError, QuantityLimitError } from './errors';
import { type CartItem, type CartView, MAX_QUANTITY } from './schemas';
import type { Cart, CartLine, CartsStore, LineSnapshot, Stamp } from './store';

export const MAX_LINES = 50;
export const CART_TTL_SECONDS = 30 * 86_400;
/** What an empty cart shows; the sample catalog prices in it. */
export const DEFAULT_CURRENCY = 'USD';
/** Reads and conditional writes per change before giving up on a cart that keeps changing under it. */
const MAX_ATTEMPTS = 5;

export interface CartsDeps {
  carts: CartsStore;
  catalog: Pick<CatalogStore, 'getProducts'>;
  now?: () => Date;
}

const clock = (deps: Pick<CartsDeps, 'now'>): Date => (deps.now ?? (() => new Date()))();

const stampOf = (now: Date): Stamp => {
  const nowSeconds = Math.floor(now.getTime() / 1000);
  return { at: now.toISOString(), nowSeconds, expiresAt: nowSeconds + CART_TTL_SECONDS };
};

const isLive = (product: ProductRecord | undefined): product is ProductRecord =>
  product !== undefined && product.deletedAt === undefined;

type ProductLookup = Pick<Map<string, ProductRecord>, 'get'>;

/** Catalog records fetched so far in one call: each product is asked for once, in as few BatchGets as possible. */
class ProductCache {
  private readonly records = new Map<string, ProductRecord>();
  private readonly asked = new Set<string>();
  constructor(private readonly catalog: CartsDeps['catalog']) {}

  async load(ids: string[]): Promise<void> {
    const missing = [...new Set(ids)].filter((id) => !this.asked.has(id));
    if (missing.length === 0) return;
    for (const record of await this.catalog.getProducts(missing)) this.records.set(record.id, record);
    for (const id of missing) this.asked.add(id);
  }

  get(id: string): ProductRecord | undefined {
    return this.records.get(id);
  }
}

/** The currency of the lines still on sale: the first one's, since adds keep a cart to one currency. */
const cartCurrency = (lines: CartLine[], products: ProductLookup): string | undefined =>
  lines.map((line) => products.get(line.productId)).find(isLive)?.currency;

/**
 * The cart as the API shows it: names, SKUs and prices from the catalog, money in major units from
 * integer cents. Lines whose product was withdrawn (or, should the catalog change, is priced in
 * another currency) stay visible as unavailable and count in no total.
 */
export const toCartView = (userId: string, lines: CartLine[], products: ProductLookup): CartView => {
  const currency = cartCurrency(lines, products) ?? DEFAULT_CURRENCY;
  let subtotalCents = 0;
  let itemCount = 0;
  const items = lines.map((line): CartItem => {
    const product = products.get(line.productId);
    const available = isLive(product) && product.currency === currency;
    const unitPriceCents = available ? product.priceCents : line.unitPriceCents;
    const lineTotalCents = unitPriceCents * line.quantity;
    if (available) {
      subtotalCents += lineTotalCents;
      itemCount += line.quantity;
    }
    return {
      productId: line.productId,
      sku: available ? product.sku : line.sku,
      name: available ? product.name : line.name,
      price: fromCents(unitPriceCents),
      quantity: line.quantity,
      lineTotal: fromCents(lineTotalCents),
      available,
    };
  });
  // No discounts, shipping or tax yet: the total is the subtotal.
  return {
    userId,
    items,
    itemCount,
    subtotal: fromCents(subtotalCents),
    total: fromCents(subtotalCents),
    currency,
  };
};

const viewOf = async (userId: string, lines: CartLine[], products: ProductCache): Promise<CartView> => {
  await products.load(lines.map((line) => line.productId));
  return toCartView(userId, lines, products);
};

export const getCart = async (deps: CartsDeps, userId: string): Promise<CartView> => {
  const cart = await deps.carts.read(userId, clock(deps));
  return viewOf(userId, cart?.lines ?? [], new ProductCache(deps.catalog));
};

const snapshotOf = (product: ProductRecord): LineSnapshot => ({
  sku: product.sku,
  name: product.name,
  unitPriceCents: product.priceCents,
});

/**
 * Adds a product from the catalog (the client's name, SKU and price are never used), or adds to the
 * quantity of its line. The limits are checked on the cart as read and enforced again by the
 * conditional write; when that write loses a race the cart is read again.
 */
export const addItem = async (
  deps: CartsDeps,
  userId: string,
  { productId, quantity }: { productId: string; quantity: number },
): Promise<CartView> => {
  const now = clock(deps);
  const stamp = stampOf(now);
  const products = new ProductCache(deps.catalog);
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const cart = await deps.carts.read(userId, now);
    const lines = cart?.lines ?? [];
    // One BatchGet: the product to add and those the response shows.
    await products.load([productId, ...lines.map((line) => line.productId)]);
    const product = products.get(productId);
    if (!isLive(product)) throw new ProductNotFoundError(productId);

    let written: Cart | undefined;
    const existing = lines.find((line) => line.productId === productId);
    if (existing) {
      if (existing.quantity + quantity > MAX_QUANTITY) throw new QuantityLimitError(productId, MAX_QUANTITY);
      written = await deps.carts.incrementLine(userId, productId, quantity, snapshotOf(product), MAX_QUANTITY, stamp);
    } else {
      if (lines.length >= MAX_LINES) throw new CartFullError(MAX_LINES);
      const currency = cartCurrency(lines, products);
      if (currency !== undefined && currency !== product.currency) throw new CurrencyMismatchError(productId, currency);
      const line: CartLine = { productId, ...snapshotOf(product), quantity, addedAt: stamp.at };
      written = cart
        ? await deps.carts.addLine(userId, line, MAX_LINES, stamp)
        : await deps.carts.create(userId, line, stamp);
    }
    if (written) return viewOf(userId, written.lines, products);
  }
  throw new CartBusyError();
};

/** Sets a line's quantity; 0 removes the line. */
export const updateItem = async (
  deps: CartsDeps,
  userId: string,
  productId: string,
  quantity: number,
): Promise<CartView> => {
  if (quantity === 0) return removeItem(deps, userId, productId);
  const cart = await deps.carts.setQuantity(userId, productId, quantity, stampOf(clock(deps)));
  if (!cart) throw new ItemNotInCartError(productId);
  return viewOf(userId, cart.lines, new ProductCache(deps.catalog));
};

export const removeItem = async (deps: CartsDeps, userId: string, productId: string): Promise<CartView> => {
  const cart = await deps.carts.removeLine(userId, productId, stampOf(clock(deps)));
  if (!cart) throw new ItemNotInCartError(productId);
  return viewOf(userId, cart.lines, new ProductCache(deps.catalog));
};

/** Empties the cart; clearing an absent cart is not an error, so a repeated call is harmless. */
export const clearCart = async (deps: Pick<CartsDeps, 'carts'>, userId: string): Promise<void> => {
  await deps.carts.clear(userId);
};
