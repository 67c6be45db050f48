/** What the index holds per product: enough to show a result without reading the table. */
export interface SearchDocument {
  id: string;
  sku: string;
  name: string;
  description: string;
  brand: string;
  category: string;
  priceCents: number;
  currency: string;
  images: string[];
  updatedAt: string;
}

export const SEARCH_SORTS = ['relevance', 'price', '-price', 'name', '-name', 'newest'] as const;
export type SearchSort = (typeof SEARCH_SORTS)[number];

/**
 * Filters combine with AND; the values of one facet (categories, brands, price buckets) with OR. Facet
 * filters narrow the hits but not their own facet's counts (see Facets); minCents/maxCents narrow both.
 */
export interface SearchRequest {
  /** Free text; empty matches everything. */
  text: string;
  /** Category names or ids, matched by id (categoryIdOf). */
  categories?: string[];
  /** Brands, matched exactly. */
  brands?: string[];
  /** Keys of PRICE_BUCKETS. */
  priceBuckets?: string[];
  minCents?: number;
  maxCents?: number;
  sort: SearchSort;
  offset: number;
  size: number;
}

/** Price facet buckets in cents, [from, to): the key is what the API shows (`100-250` in major units). */
export const PRICE_BUCKETS: { key: string; fromCents: number; toCents?: number }[] = [
  { key: '0-50', fromCents: 0, toCents: 5_000 },
  { key: '50-100', fromCents: 5_000, toCents: 10_000 },
  { key: '100-250', fromCents: 10_000, toCents: 25_000 },
  { key: '250-500', fromCents: 25_000, toCents: 50_000 },
  { key: '500-1000', fromCents: 50_000, toCents: 100_000 },
  { key: '1000+', fromCents: 100_000 },
];

export const priceBucketOf = (key: string) => PRICE_BUCKETS.find((bucket) => bucket.key === key);

/**
 * Counts per value, as multi-select facets count: each facet over the matches of the text and every filter
 * except that facet's own, so that a shopper who picked one value still sees the others it could add.
 */
export interface Facets {
  category: Record<string, number>;
  brand: Record<string, number>;
  price: Record<string, number>;
}

export interface SearchResult {
  hits: SearchDocument[];
  total: number;
  /** Counted over every match, not only the page (each facet without its own filter). */
  facets: Facets;
}

/**
 * The search port: OpenSearch in AWS (opensearch.ts); the sandbox serves the same REST subset from Orama.
 * Its name is an alias of one concrete index, so that a rebuild can fill a new index while searches read the old.
 */
export interface SearchIndex {
  /** Creates the index with its mapping (and the alias) unless it exists. */
  ensureIndex(): Promise<void>;
  /**
   * Fills a new index with `pages`, then moves the alias to it in one step and drops the old one: searches
   * see the old index until the new one is complete. Writes made meanwhile land in the old index (the
   * caller brings them over). Answers the number of documents written.
   */
  rebuild(pages: AsyncIterable<SearchDocument[]>): Promise<number>;
  upsert(document: SearchDocument): Promise<void>;
  remove(id: string): Promise<void>;
  /** Writes many documents in bulk requests. */
  upsertMany(documents: SearchDocument[]): Promise<void>;
  search(request: SearchRequest): Promise<SearchResult>;
}

/** Deepest page a search may reach (OpenSearch's default max_result_window). */
export const MAX_RESULT_WINDOW = 10_000;
