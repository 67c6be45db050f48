import * as z from 'zod/mini';

/** Query strings arrive as text: accept only well-formed numbers, then convert. */
const moneyParam = z.pipe(
  z.string().check(z.regex(/^\d{1,9}(\.\d{1,2})?$/, 'Expected an amount such as 10 or 99.99')),
  z.transform(Number),
);
const intParam = z.pipe(z.string().check(z.regex(/^\d{1,4}$/, 'Expected a whole number')), z.transform(Number));

export const PRODUCT_SORTS = [
  'name',
  '-name',
  'price',
  '-price',
  'name_asc',
  'name_desc',
  'price_asc',
  'price_desc',
] as const;

export const ListProductsQuery = z
  .object({
    limit: z.optional(z.pipe(intParam, z.number().check(z.gte(1), z.lte(100)))),
    cursor: z.optional(z.string().check(z.minLength(1), z.maxLength(2048))),
    category: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(64))),
    minPrice: z.optional(moneyParam),
    maxPrice: z.optional(moneyParam),
    sort: z.optional(z.enum(PRODUCT_SORTS)),
  })
  .check(
    z.refine((q) => q.minPrice === undefined || q.maxPrice === undefined || q.minPrice <= q.maxPrice, {
      message: 'minPrice must not exceed maxPrice',
      path: ['minPrice'],
    }),
  );
export type ListProductsQuery = z.infer<typeof ListProductsQuery>;

export const ProductId = z.string().check(z.regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/, 'Expected a product id'));

export const ProductParams = z.object({ id: ProductId });
export type ProductParams = z.infer<typeof ProductParams>;

export interface Product {
  id: string;
  sku: string;
  name: string;
  description: string;
  price: number;
  currency: string;
  category: string;
  brand: string;
  images: string[];
  attributes: Record<string, string | number | boolean>;
  createdAt: string;
  updatedAt: string;
}

export interface Category {
  id: string;
  name: string;
  description: string;
}
