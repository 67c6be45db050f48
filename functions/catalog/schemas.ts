import * as z from 'zod/mini';
import { isMoneyAmount } from '../shared/money';
import type { ProductRecord } from './store';

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

/** A product as the API shows it: the record's fields, with money in major units and no soft-delete mark. */
export type Product = Omit<ProductRecord, 'priceCents' | 'deletedAt'> & { price: number };

export interface Category {
  id: string;
  name: string;
  description: string;
}

/** The inventory context's SKU pattern: a product's SKU is its stock record's key. */
export const Sku = z.string().check(z.regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'Expected a SKU such as LAPTOP-001'));

const text = (max: number) => z.string().check(z.trim(), z.minLength(1), z.maxLength(max));

/** Decimal major units, above zero, at most two decimals. */
const price = z
  .number()
  .check(
    z.gt(0, 'Price must be above zero'),
    z.lte(10_000_000),
    z.refine(isMoneyAmount, 'Expected an amount with at most two decimals'),
  );

const image = z
  .string()
  .check(z.maxLength(2048), z.regex(/^(\/[A-Za-z0-9._~/-]+|https:\/\/\S+)$/, 'Expected a site path or an https URL'));

/**
 * Names every object inherits (`constructor`, `__proto__`, `toString`, `hasOwnProperty`...): as keys of a plain object
 * they would be dropped (`__proto__`, silently, by the record schema) or break the DynamoDB marshaller, so they are
 * refused, checked on the request's own keys.
 */
const RESERVED_ATTRIBUTE_NAMES = new Set(Object.getOwnPropertyNames(Object.prototype));
const hasReservedName = (value: unknown) =>
  typeof value === 'object' && value !== null && Object.keys(value).some((name) => RESERVED_ATTRIBUTE_NAMES.has(name));

const attributes = z.pipe(
  z
    .unknown()
    .check(
      z.refine(
        (value) => !hasReservedName(value),
        'Attribute names inherited by every object (constructor, __proto__, toString, hasOwnProperty...) are reserved',
      ),
    ),
  z
    .record(
      z.string().check(z.minLength(1), z.maxLength(64)),
      z.union([z.string().check(z.maxLength(500)), z.number(), z.boolean()]),
    )
    .check(z.refine((value) => Object.keys(value).length <= 50, 'At most 50 attributes')),
);

const productFields = {
  name: text(200),
  description: z.string().check(z.trim(), z.maxLength(5000)),
  price,
  category: text(64),
  brand: text(100),
  images: z.array(image).check(z.maxLength(10)),
  attributes,
};

/** Unknown fields are refused rather than dropped, so a typo never passes silently. */
export const CreateProductBody = z.strictObject({
  sku: Sku,
  ...productFields,
  currency: z.optional(z.literal('USD')),
  description: z._default(productFields.description, ''),
  images: z._default(productFields.images, []),
  attributes: z._default(attributes, {}),
});
export type CreateProductBody = z.infer<typeof CreateProductBody>;

/** Any subset of the fields; the SKU is the stock record's key and never changes. */
export const UpdateProductBody = z
  .strictObject({
    name: z.optional(productFields.name),
    description: z.optional(productFields.description),
    price: z.optional(price),
    category: z.optional(productFields.category),
    brand: z.optional(productFields.brand),
    images: z.optional(productFields.images),
    attributes: z.optional(attributes),
  })
  .check(z.refine((body) => Object.keys(body).length > 0, 'Nothing to update'));
export type UpdateProductBody = z.infer<typeof UpdateProductBody>;

export const CategoryId = z
  .string()
  .check(z.regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'Expected a category id'), z.maxLength(64));
export const CategoryParams = z.object({ id: CategoryId });
export type CategoryParams = z.infer<typeof CategoryParams>;

export const CreateCategoryBody = z.strictObject({
  name: text(64).check(z.regex(/[A-Za-z0-9]/, 'A category name needs a letter or digit')),
  description: z._default(z.string().check(z.trim(), z.maxLength(1000)), ''),
});
export type CreateCategoryBody = z.infer<typeof CreateCategoryBody>;

export const UpdateCategoryBody = z
  .strictObject({
    name: z.optional(text(64)),
    description: z.optional(z.string().check(z.trim(), z.maxLength(1000))),
  })
  .check(z.refine((body) => Object.keys(body).length > 0, 'Nothing to update'));
export type UpdateCategoryBody = z.infer<typeof UpdateCategoryBody>;
