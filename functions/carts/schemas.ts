import * as z from 'zod/mini';
import { ProductId } from '../catalog/schemas';

export const MAX_QUANTITY = 99;

const UserId = z.string().check(z.regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/, 'Expected a user id'));
const Quantity = z.number().check(z.int(), z.gte(1), z.lte(MAX_QUANTITY));

export const CartParams = z.object({ userId: UserId });
export type CartParams = z.infer<typeof CartParams>;

export const CartItemParams = z.object({ userId: UserId, productId: ProductId });
export type CartItemParams = z.infer<typeof CartItemParams>;

/**
 * The original API's body. Only productId and quantity are used: sku, name and price come from the
 * catalog, so the client's values are only checked for type and size, then ignored.
 */
export const AddItemBody = z.strictObject({
  productId: ProductId,
  quantity: Quantity,
  sku: z.optional(z.string().check(z.maxLength(64))),
  name: z.optional(z.string().check(z.maxLength(200))),
  price: z.optional(z.number().check(z.gte(0), z.lte(10_000_000))),
});
export type AddItemBody = z.infer<typeof AddItemBody>;

/** 0 removes the line. */
export const UpdateItemBody = z.strictObject({
  quantity: z.number().check(z.int(), z.gte(0), z.lte(MAX_QUANTITY)),
});
export type UpdateItemBody = z.infer<typeof UpdateItemBody>;

export interface CartItem {
  productId: string;
  sku: string;
  name: string;
  price: number;
  quantity: number;
  lineTotal: number;
  /** False once the product is withdrawn from the catalog: the line stays visible but is not counted. */
  available: boolean;
}

export interface CartView {
  userId: string;
  items: CartItem[];
  /** Units of the available lines. */
  itemCount: number;
  subtotal: number;
  total: number;
  currency: string;
}
