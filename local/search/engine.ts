import { type AnyOrama, create, insert, remove, search } from '@orama/orama';

/** A product document as the search adapter indexes it (functions/search/opensearch.ts). */
export type Source = Record<string, unknown> & { id: string };

/** A filter clause: a field's value among some values, or a price within any of some ranges (whole cents, ends included). */
export type Filter =
  | { field: 'categoryId' | 'brand'; values: string[] }
  | { field: 'priceCents'; ranges: { min: number; max: number }[] };

/** Counts per value of a field (as a terms aggregation) or per price range [from, to) (as a range aggregation). */
export type Aggregation = { terms: 'category' | 'brand'; size: number } | { ranges: PriceRange[] };

export interface PriceRange {
  key: string;
  from: number;
  /** Absent for the last, open range. */
  to?: number;
}

/** A sort key of the adapter's: relevance, or a field (the name as its lower-cased exact form). */
export interface SortKey {
  field: 'score' | 'name' | 'priceCents' | 'updatedAt' | 'id';
  descending: boolean;
}

export interface Query {
  text: string;
  /** Names matching this (lower-cased) exactly come first, as the OpenSearch query's boosted `should` does. */
  exactName?: string;
  /** Narrows the hits and every aggregation (the query's filter). */
  filter: Filter[];
  /** Narrows the hits only (OpenSearch's post_filter). */
  postFilter: Filter[];
  /** Sort keys in order, the later ones breaking the ties of the earlier (as the adapter sends them). */
  sort: SortKey[];
  from: number;
  size: number;
  /**
   * Aggregations by name, each over the matches of the text and `filter`, narrowed by its own `filter` (a
   * `filter` aggregation around it, whose sub-aggregation is named `inner`).
   */
  aggs: Record<string, { filter: Filter[]; inner?: string; aggregation: Aggregation }>;
}

export interface Bucket {
  key: string;
  from?: number;
  to?: number;
  count: number;
}

export interface Hits {
  total: number;
  hits: Source[];
  /** Per aggregation: how many matches it counted over (its filters applied), and its buckets. */
  aggs: Record<string, { count: number; buckets: Bucket[] }>;
}

/** Orama indexes the text only: filters, order and facets are worked out over the matches (ProductIndex.search). */
const schema = {
  id: 'string',
  name: 'string',
  description: 'string',
  brandText: 'string',
  categoryText: 'string',
} as const;

/** OpenSearch's fuzziness AUTO: no edit up to 2 characters, one up to 5, two beyond. */
const autoTolerance = (text: string) => {
  const longest = Math.max(0, ...text.split(/\s+/).map((word) => word.length));
  return longest <= 2 ? 0 : longest <= 5 ? 1 : 2;
};

/** A document with the values its filters, sort keys and facets read, in fields of their own (one shape for all). */
class Entry {
  readonly id: string;
  readonly priceCents: number;
  readonly brand: string;
  readonly category: string;
  readonly categoryId: string;
  /** OpenSearch's `name.exact`: the lower-cased name. */
  readonly name: string;
  readonly updatedAt: string;

  constructor(readonly source: Source) {
    this.id = source.id;
    this.priceCents = Number(source.priceCents ?? 0);
    this.brand = String(source.brand ?? '');
    this.category = String(source.category ?? '');
    this.categoryId = String(source.categoryId ?? '');
    this.name = String(source.name ?? '').toLowerCase();
    this.updatedAt = String(source.updatedAt ?? '');
  }
}

/** Ordered matches kept per text and sort at most; a write empties the cache. */
const MAX_CACHED = 256;

/**
 * One index of products, with the fields and facets the search adapter asks for. Orama finds the documents that
 * match a text, with their relevance (fuzzy, prefix, boosted fields); the filters, the order (every sort key, ties
 * included, as OpenSearch applies them), the page and the facet counts are worked out here over those matches.
 * The matches of a text in the order of a sort are kept until the next write, so a search repeated meanwhile
 * costs one pass over its matches (the filters and the facet counts).
 */
export class ProductIndex {
  private db: AnyOrama = create({ schema });
  private readonly entries = new Map<string, Entry>();
  private readonly cache = new Map<string, Entry[]>();

  get size() {
    return this.entries.size;
  }

  async upsert(source: Source): Promise<'created' | 'updated'> {
    const existed = await this.remove(source.id);
    await insert(this.db, {
      id: source.id,
      name: String(source.name ?? ''),
      description: String(source.description ?? ''),
      brandText: String(source.brand ?? ''),
      categoryText: String(source.category ?? ''),
    });
    this.entries.set(source.id, new Entry(source));
    this.cache.clear();
    return existed ? 'updated' : 'created';
  }

  async remove(id: string): Promise<boolean> {
    if (!this.entries.has(id)) return false;
    await remove(this.db, id);
    this.entries.delete(id);
    this.cache.clear();
    return true;
  }

  async search(query: Query): Promise<Hits> {
    const ordered = await this.ordered(query.text.trim(), query.sort, query.exactName);
    // The post_filter narrows the hits only; each aggregation counts the matches of the query's filter that pass
    // its own filters, as OpenSearch applies them.
    const matched = query.filter.length > 0 ? ordered.filter((entry) => all(entry, query.filter)) : ordered;
    const hits = query.postFilter.length > 0 ? matched.filter((entry) => all(entry, query.postFilter)) : matched;
    const aggs: Hits['aggs'] = {};
    for (const [name, { filter, aggregation }] of Object.entries(query.aggs)) {
      const counted = filter.length > 0 ? matched.filter((entry) => all(entry, filter)) : matched;
      aggs[name] = { count: counted.length, buckets: bucketsOf(aggregation, counted) };
    }
    return {
      total: hits.length,
      hits: hits.slice(query.from, query.from + query.size).map((entry) => entry.source),
      aggs,
    };
  }

  /** Every document matching the text, in the query's order (exact names first when by relevance). */
  private async ordered(text: string, sort: SortKey[], exactName: string | undefined): Promise<Entry[]> {
    const key = JSON.stringify([text, sort, exactName ?? null]);
    const cached = this.cache.get(key);
    if (cached) return cached;
    const scores = new Map<Entry, number>();
    let entries: Entry[];
    if (text) {
      const result = await search(this.db, {
        term: text,
        properties: ['name', 'description', 'brandText', 'categoryText'],
        boost: { name: 4, brandText: 2 },
        tolerance: autoTolerance(text),
        limit: this.entries.size,
      });
      entries = [];
      for (const hit of result.hits) {
        const entry = this.entries.get(String(hit.id));
        if (!entry) continue;
        scores.set(entry, hit.score);
        entries.push(entry);
      }
    } else {
      entries = [...this.entries.values()];
    }
    const byRelevance = sort[0]?.field === 'score';
    const exact = (entry: Entry) => (byRelevance && exactName !== undefined && entry.name === exactName ? 0 : 1);
    const compare = (a: Entry, b: Entry) => {
      const first = exact(a) - exact(b);
      if (first !== 0) return first;
      for (const { field, descending } of sort) {
        const order =
          field === 'score' ? (scores.get(a) ?? 0) - (scores.get(b) ?? 0) : compareValues(a[field], b[field]);
        if (order !== 0) return descending ? -order : order;
      }
      return 0;
    };
    entries.sort(compare);
    if (this.cache.size >= MAX_CACHED) this.cache.clear();
    this.cache.set(key, entries);
    return entries;
  }
}

/** As OpenSearch orders keyword and numeric values: by code unit, numbers as numbers. */
const compareValues = (a: string | number, b: string | number): number => (a < b ? -1 : a > b ? 1 : 0);

const all = (entry: Entry, filters: Filter[]) => {
  for (const filter of filters) if (!matches(entry, filter)) return false;
  return true;
};

const matches = (entry: Entry, filter: Filter) => {
  if (filter.field !== 'priceCents') return filter.values.includes(entry[filter.field]);
  const price = entry.priceCents;
  return filter.ranges.some((range) => price >= range.min && price <= range.max);
};

/** A terms aggregation's buckets, most frequent first (then by value, as OpenSearch orders ties), or each range's count. */
const bucketsOf = (aggregation: Aggregation, entries: Entry[]): Bucket[] => {
  if ('ranges' in aggregation) {
    const counts = aggregation.ranges.map(() => 0);
    for (const { priceCents } of entries) {
      aggregation.ranges.forEach((range, i) => {
        if (priceCents >= range.from && (range.to === undefined || priceCents < range.to))
          counts[i] = (counts[i] ?? 0) + 1;
      });
    }
    return aggregation.ranges.map((range, i) => ({ ...range, count: counts[i] ?? 0 }));
  }
  const counts = new Map<string, number>();
  const field = aggregation.terms;
  for (const entry of entries) counts.set(entry[field], (counts.get(entry[field]) ?? 0) + 1);
  return [...counts]
    .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0))
    .slice(0, aggregation.size)
    .map(([key, count]) => ({ key, count }));
};
