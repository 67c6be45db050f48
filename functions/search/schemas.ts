import * as z from 'zod/mini';
import { PRICE_BUCKETS, priceBucketOf, SEARCH_SORTS } from './port';

/** Query strings arrive as text: accept only well-formed, non-negative amounts, then convert. */
const moneyParam = z.pipe(
  z.string().check(z.regex(/^\d{1,9}(\.\d{1,2})?$/, 'Expected a non-negative amount such as 10 or 99.99')),
  z.transform(Number),
);

/** Most values one facet parameter may pick. */
export const MAX_FACET_VALUES = 20;

/** Splits a list parameter at its commas; `\\,` is a comma inside a value and `\\\\` a backslash. */
export const splitFacetValues = (text: string): string[] => {
  const values: string[] = [];
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    const next = text[i + 1];
    if (char === '\\' && (next === ',' || next === '\\')) {
      current += next;
      i++;
    } else if (char === ',') {
      values.push(current);
      current = '';
    } else current += char;
  }
  values.push(current);
  return values;
};

/** The list parameter for `values` (a brand with a comma in its name among them), as splitFacetValues reads it. */
export const joinFacetValues = (values: string[]): string =>
  values.map((value) => value.replace(/[\\,]/g, (char) => `\\${char}`)).join(',');

/** How a list parameter's values are read when only some values are valid: a value, or undefined if unknown. */
interface ValueReader {
  /** Reads one value as sent (untrimmed). */
  read(raw: string): string | undefined;
  /** The message for the values it did not know. */
  unknown(values: string[]): string;
}

/**
 * A comma-separated list of up to MAX_FACET_VALUES values of 1 to `maxLength` characters (trimmed), duplicates
 * dropped: one value, the parameter's form before lists, is a list of one. Its issues name the parameter itself.
 */
const listParam = (maxLength: number, reader?: ValueReader) =>
  z.pipe(
    z.string(),
    z.transform((text, ctx) => {
      const issue = (message: string) => {
        ctx.issues.push({ code: 'custom', message, input: text });
        return z.NEVER;
      };
      const raw = splitFacetValues(text);
      const values = raw.map((value) => value.trim());
      if (values.length > MAX_FACET_VALUES) return issue(`At most ${MAX_FACET_VALUES} comma-separated values`);
      if (values.some((value) => value.length === 0 || value.length > maxLength)) {
        return issue(`Expected comma-separated values of 1 to ${maxLength} characters`);
      }
      if (!reader) return [...new Set(values)];
      const read = raw.map((value) => reader.read(value));
      const unknown = values.filter((_, i) => read[i] === undefined);
      if (unknown.length > 0) return issue(reader.unknown(unknown));
      return [...new Set(read as string[])];
    }),
  );

/** Price bucket keys. `1000+` is sent as `1000%2B`; a bare `+`, which query decoding turns into a space, works too. */
const priceParam = listParam(16, {
  read: (raw) => {
    const value = raw.trim();
    if (priceBucketOf(value)) return value;
    if (/\s$/.test(raw) && priceBucketOf(`${value}+`)) return `${value}+`;
    return undefined;
  },
  unknown: (values) =>
    `Unknown price bucket ${values.map((value) => `'${value}'`).join(', ')}; expected some of ${PRICE_BUCKETS.map((bucket) => bucket.key).join(', ')}`,
});

export const SearchQuery = z
  .object({
    q: z._default(z.string().check(z.trim(), z.maxLength(200)), ''),
    /** Category names or ids, any of them: `Audio,Gaming`. */
    category: z.optional(listParam(64)),
    /** Brands, any of them: `TechPro,SoundWave` (`\\,` for a comma in a name). */
    brand: z.optional(listParam(100)),
    /** Price bucket keys of the price facet, any of them: `100-250,1000%2B`. */
    price: z.optional(priceParam),
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
