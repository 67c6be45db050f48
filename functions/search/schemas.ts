import * as z from 'zod/mini';
import { SEARCH_SORTS } from './port';

/** Query strings arrive as text: accept only well-formed, non-negative amounts, then convert. */
const moneyParam = z.pipe(
  z.string().check(z.regex(/^\d{1,9}(\.\d{1,2})?$/, 'Expected a non-negative amount such as 10 or 99.99')),
  z.transform(Number),
);

export const SearchQuery = z
  .object({
    q: z._default(z.string().check(z.trim(), z.maxLength(200)), ''),
    category: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(64))),
    brand: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(100))),
    minPrice: z.optional(moneyParam),
    maxPrice: z.optional(moneyParam),
    sort: z._default(z.enum(SEARCH_SORTS), 'relevance'),
    limit: z.optional(
      z.pipe(
        z.pipe(z.string().check(z.regex(/^\d{1,3}$/, 'Expected a whole number')), z.transform(Number)),
        z.number().check(z.gte(1), z.lte(100)),
      ),
    ),
    cursor: z.optional(z.string().check(z.minLength(1), z.maxLength(512))),
  })
  .check(
    z.refine((q) => q.minPrice === undefined || q.maxPrice === undefined || q.minPrice <= q.maxPrice, {
      message: 'minPrice must not exceed maxPrice',
      path: ['minPrice'],
    }),
  );
export type SearchQuery = z.infer<typeof SearchQuery>;

/** The ProductChanged event as EventBridge delivers it to the indexer. */
export const ProductChangedEvent = z.object({
  'detail-type': z.literal('ProductChanged'),
  source: z.literal('shop.catalog'),
  detail: z.object({
    productId: z.string().check(z.minLength(1), z.maxLength(128)),
    change: z.enum(['created', 'updated', 'deleted']),
  }),
});
export type ProductChangedEvent = z.infer<typeof ProductChangedEvent>;
