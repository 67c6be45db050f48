import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand, type UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import { tableName } from '../shared/config';
import { documentClient } from '../shared/dynamo';

export interface CartLine {
  productId: string;
  sku: string;
  name: string;
  /** The catalog's price when the line was last added to; the catalog stays authoritative. */
  unitPriceCents: number;
  quantity: number;
  addedAt: string;
}

export interface Cart {
  userId: string;
  /** Oldest first. */
  lines: CartLine[];
  updatedAt: string;
  /** Epoch seconds: DynamoDB's TTL removes the cart after this. */
  expiresAt: number;
}

/** The time of a write: the cart's new updatedAt and expiry, and "now" to tell an expired cart. */
export interface Stamp {
  at: string;
  nowSeconds: number;
  expiresAt: number;
}

export type LineSnapshot = Pick<CartLine, 'sku' | 'name' | 'unitPriceCents'>;

/**
 * The carts table. Every write is conditional, so the limits hold under concurrent requests; a write
 * whose condition fails returns undefined and the caller reads again. A cart past its expiry counts
 * as absent even before TTL (which may take days) removes it.
 */
export interface CartsStore {
  /** The live cart, read strongly consistent. */
  read(userId: string, now?: Date): Promise<Cart | undefined>;
  /** The live cart's lines, oldest first; none without a cart. */
  get(userId: string, now?: Date): Promise<CartLine[]>;
  /** Creates the cart with one line; undefined if a live cart exists. */
  create(userId: string, line: CartLine, stamp: Stamp): Promise<Cart | undefined>;
  /** Adds a line; undefined if there is no live cart, the line exists, or the cart has maxLines lines. */
  addLine(userId: string, line: CartLine, maxLines: number, stamp: Stamp): Promise<Cart | undefined>;
  /**
   * Adds `by` to a line's quantity and refreshes its snapshot; undefined if the line is absent or
   * would exceed maxQuantity.
   */
  incrementLine(
    userId: string,
    productId: string,
    by: number,
    snapshot: LineSnapshot,
    maxQuantity: number,
    stamp: Stamp,
  ): Promise<Cart | undefined>;
  /** Sets a line's quantity; undefined if the line is absent. */
  setQuantity(userId: string, productId: string, quantity: number, stamp: Stamp): Promise<Cart | undefined>;
  /** Removes a line; undefined if the line is absent. */
  removeLine(userId: string, productId: string, stamp: Stamp): Promise<Cart | undefined>;
  /** Deletes the cart; nothing happens if there is none. */
  /** Deletes the cart; with `unchangedSince`, only if it was not changed after that instant (ISO time). */
  clear(userId: string, unchangedSince?: string): Promise<void>;
}

const cartKey = (userId: string) => ({ pk: `CART#${userId}`, sk: 'CART' });

const byAge = (a: CartLine, b: CartLine) =>
  a.addedAt < b.addedAt ? -1 : a.addedAt > b.addedAt ? 1 : a.productId.localeCompare(b.productId);

const fromItem = (item: Record<string, unknown>): Cart => ({
  userId: String(item.userId),
  lines: Object.values((item.lines ?? {}) as Record<string, CartLine>).sort(byAge),
  updatedAt: String(item.updatedAt),
  expiresAt: Number(item.expiresAt),
});

const isLive = (item: Record<string, unknown>, now: Date) => Number(item.expiresAt) > Math.floor(now.getTime() / 1000);

export const cartsStore = (client = documentClient): CartsStore => {
  const table = () => tableName('carts');

  /** A conditional update of a live cart returning the new cart, or undefined when the condition fails. */
  const update = async (
    userId: string,
    stamp: Stamp,
    input: {
      set?: string[];
      remove?: string;
      condition: string;
      names: Record<string, string>;
      values?: Record<string, unknown>;
    },
  ): Promise<Cart | undefined> => {
    const set = [...(input.set ?? []), '#updatedAt = :at', '#expiresAt = :expiresAt'];
    const command: UpdateCommandInput = {
      TableName: table(),
      Key: cartKey(userId),
      UpdateExpression: `SET ${set.join(', ')}${input.remove ? ` REMOVE ${input.remove}` : ''}`,
      ConditionExpression: `#expiresAt > :now AND (${input.condition})`,
      ExpressionAttributeNames: { '#updatedAt': 'updatedAt', '#expiresAt': 'expiresAt', ...input.names },
      ExpressionAttributeValues: {
        ':at': stamp.at,
        ':expiresAt': stamp.expiresAt,
        ':now': stamp.nowSeconds,
        ...input.values,
      },
      ReturnValues: 'ALL_NEW',
    };
    try {
      const { Attributes } = await client.send(new UpdateCommand(command));
      return Attributes ? fromItem(Attributes) : undefined;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  };

  const store: CartsStore = {
    async read(userId, now = new Date()) {
      const { Item } = await client.send(
        new GetCommand({ TableName: table(), Key: cartKey(userId), ConsistentRead: true }),
      );
      return Item && isLive(Item, now) ? fromItem(Item) : undefined;
    },

    async get(userId, now) {
      return (await store.read(userId, now))?.lines ?? [];
    },

    async create(userId, line, stamp) {
      const cart: Cart = { userId, lines: [line], updatedAt: stamp.at, expiresAt: stamp.expiresAt };
      try {
        await client.send(
          new PutCommand({
            TableName: table(),
            Item: { ...cartKey(userId), ...cart, lines: { [line.productId]: line } },
            // An expired cart that TTL has not removed yet is replaced.
            ConditionExpression: 'attribute_not_exists(pk) OR #expiresAt <= :now',
            ExpressionAttributeNames: { '#expiresAt': 'expiresAt' },
            ExpressionAttributeValues: { ':now': stamp.nowSeconds },
          }),
        );
        return cart;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return undefined;
        throw error;
      }
    },

    addLine: (userId, line, maxLines, stamp) =>
      update(userId, stamp, {
        set: ['#lines.#p = :line'],
        condition: 'attribute_not_exists(#lines.#p) AND size(#lines) < :maxLines',
        names: { '#lines': 'lines', '#p': line.productId },
        values: { ':line': line, ':maxLines': maxLines },
      }),

    incrementLine: (userId, productId, by, snapshot, maxQuantity, stamp) =>
      update(userId, stamp, {
        set: [
          '#lines.#p.#quantity = #lines.#p.#quantity + :by',
          '#lines.#p.#sku = :sku',
          '#lines.#p.#name = :name',
          '#lines.#p.#price = :price',
        ],
        condition: '#lines.#p.#quantity <= :room',
        names: {
          '#lines': 'lines',
          '#p': productId,
          '#quantity': 'quantity',
          '#sku': 'sku',
          '#name': 'name',
          '#price': 'unitPriceCents',
        },
        values: {
          ':by': by,
          ':room': maxQuantity - by,
          ':sku': snapshot.sku,
          ':name': snapshot.name,
          ':price': snapshot.unitPriceCents,
        },
      }),

    setQuantity: (userId, productId, quantity, stamp) =>
      update(userId, stamp, {
        set: ['#lines.#p.#quantity = :quantity'],
        condition: 'attribute_exists(#lines.#p)',
        names: { '#lines': 'lines', '#p': productId, '#quantity': 'quantity' },
        values: { ':quantity': quantity },
      }),

    removeLine: (userId, productId, stamp) =>
      update(userId, stamp, {
        remove: '#lines.#p',
        condition: 'attribute_exists(#lines.#p)',
        names: { '#lines': 'lines', '#p': productId },
      }),

    async clear(userId, unchangedSince) {
      try {
        await client.send(
          new DeleteCommand({
            TableName: table(),
            Key: cartKey(userId),
            ...(unchangedSince && {
              ConditionExpression: 'attribute_not_exists(pk) OR updatedAt <= :since',
              ExpressionAttributeValues: { ':since': unchangedSince },
            }),
          }),
        );
      } catch (error) {
        // The buyer started a new cart after ordering: it is not the ordered one, keep it.
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    },
  };
  return store;
};
