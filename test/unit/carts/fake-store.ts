import type { Cart, CartLine, CartsStore, Stamp } from '../../../functions/carts/store';

interface Item {
  userId: string;
  lines: Map<string, CartLine>;
  updatedAt: string;
  expiresAt: number;
}

/** An in-memory CartsStore with the DynamoDB store's conditions (live cart, line present or absent, limits). */
export const memoryCartsStore = () => {
  const items = new Map<string, Item>();
  const toCart = (item: Item): Cart => ({
    userId: item.userId,
    lines: [...item.lines.values()]
      .map((line) => ({ ...line }))
      .sort((a, b) => a.addedAt.localeCompare(b.addedAt) || a.productId.localeCompare(b.productId)),
    updatedAt: item.updatedAt,
    expiresAt: item.expiresAt,
  });
  const live = (userId: string, nowSeconds: number) => {
    const item = items.get(userId);
    return item && item.expiresAt > nowSeconds ? item : undefined;
  };
  const touch = (item: Item, stamp: Stamp) => {
    item.updatedAt = stamp.at;
    item.expiresAt = stamp.expiresAt;
    return toCart(item);
  };
  const calls: string[] = [];

  const store: CartsStore = {
    read: async (userId, now = new Date()) => {
      calls.push('read');
      const item = live(userId, Math.floor(now.getTime() / 1000));
      return item && toCart(item);
    },
    get: async (userId, now) => (await store.read(userId, now))?.lines ?? [],
    create: async (userId, line, stamp) => {
      calls.push('create');
      if (live(userId, stamp.nowSeconds)) return undefined;
      const item: Item = { userId, lines: new Map([[line.productId, { ...line }]]), updatedAt: '', expiresAt: 0 };
      items.set(userId, item);
      return touch(item, stamp);
    },
    addLine: async (userId, line, maxLines, stamp) => {
      calls.push('addLine');
      const item = live(userId, stamp.nowSeconds);
      if (!item || item.lines.has(line.productId) || item.lines.size >= maxLines) return undefined;
      item.lines.set(line.productId, { ...line });
      return touch(item, stamp);
    },
    incrementLine: async (userId, productId, by, snapshot, maxQuantity, stamp) => {
      calls.push('incrementLine');
      const line = live(userId, stamp.nowSeconds)?.lines.get(productId);
      const item = items.get(userId);
      if (!item || !line || line.quantity > maxQuantity - by) return undefined;
      Object.assign(line, snapshot, { quantity: line.quantity + by });
      return touch(item, stamp);
    },
    setQuantity: async (userId, productId, quantity, stamp) => {
      calls.push('setQuantity');
      const item = live(userId, stamp.nowSeconds);
      const line = item?.lines.get(productId);
      if (!item || !line) return undefined;
      line.quantity = quantity;
      return touch(item, stamp);
    },
    removeLine: async (userId, productId, stamp) => {
      calls.push('removeLine');
      const item = live(userId, stamp.nowSeconds);
      if (!item?.lines.delete(productId)) return undefined;
      return touch(item, stamp);
    },
    clear: async (userId) => {
      calls.push('clear');
      items.delete(userId);
    },
  };
  return { store, items, calls };
};
