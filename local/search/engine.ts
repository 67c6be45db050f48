import { type AnyOrama, create, insert, remove, search, type WhereCondition } from '@orama/orama';

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

export interface Query {
  text: string;
  /** Names matching this (lower-cased) exactly come first, as the OpenSearch query's boosted `should` does. */
  exactName?: string;
  /** Narrows the hits and every aggregation (the query's filter). */
  filter: Filter[];
  /** Narrows the hits only (OpenSearch's post_filter). */
  postFilter: Filter[];
  sort: { field: 'score' | 'name' | 'priceCents' | 'updatedAt'; descending: boolean };
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

const schema = {
  id: 'string',
  name: 'string',
  nameSort: 'string',
  description: 'string',
  brandText: 'string',
  categoryText: 'string',
  brand: 'enum',
  category: 'enum',
  categoryId: 'enum',
  priceCents: 'number',
  updatedAt: 'string',
} as const;

/** OpenSearch's fuzziness AUTO: no edit up to 2 characters, one up to 5, two beyond. */
const autoTolerance = (text: string) => {
  const longest = Math.max(0, ...text.split(/\s+/).map((word) => word.length));
  return longest <= 2 ? 0 : longest <= 5 ? 1 : 2;
};

/** One index of products in Orama, with the fields and facets the search adapter asks for. */
export class ProductIndex {
  private db: AnyOrama = create({ schema });
  private readonly sources = new Map<string, Source>();

  get size() {
    return this.sources.size;
  }

  async upsert(source: Source): Promise<'created' | 'updated'> {
    const existed = await this.remove(source.id);
    const name = String(source.name ?? '');
    await insert(this.db, {
      id: source.id,
      name,
      nameSort: name.toLowerCase(),
      description: String(source.description ?? ''),
      brandText: String(source.brand ?? ''),
      categoryText: String(source.category ?? ''),
      brand: String(source.brand ?? ''),
      category: String(source.category ?? ''),
      categoryId: String(source.categoryId ?? ''),
      priceCents: Number(source.priceCents ?? 0),
      updatedAt: String(source.updatedAt ?? ''),
    });
    this.sources.set(source.id, source);
    return existed ? 'updated' : 'created';
  }

  async remove(id: string): Promise<boolean> {
    const source = this.sources.get(id);
    if (!source) return false;
    await remove(this.db, id);
    this.sources.delete(id);
    return true;
  }

  async search(query: Query): Promise<Hits> {
    const text = query.text.trim();
    // Without text every score is equal: OpenSearch then orders by the tie-breaker, the name.
    const sort = query.sort.field === 'score' && !text ? { field: 'name' as const, descending: false } : query.sort;
    const sortProperty = { name: 'nameSort', priceCents: 'priceCents', updatedAt: 'updatedAt' } as const;
    // One Orama search finds every match of the text and the query's filter, in order. The post_filter and
    // the aggregations' own filters then apply to those matches here, as OpenSearch applies them: the hits
    // with the post_filter, each aggregation with its own filters only.
    const result = await search(this.db, {
      term: text,
      // Without text, naming the properties makes Orama walk every token (about 250 ms at 5,000 products).
      ...(text && {
        properties: ['name', 'description', 'brandText', 'categoryText'],
        boost: { name: 4, brandText: 2 },
        tolerance: autoTolerance(text),
      }),
      where: whereOf(query.filter),
      limit: this.sources.size,
      ...(sort.field !== 'score' && {
        sortBy: { property: sortProperty[sort.field], order: sort.descending ? 'DESC' : 'ASC' },
      }),
    });
    const matched = result.hits.flatMap((hit) => this.sources.get(String(hit.id)) ?? []);
    let hits = matched.filter((source) => query.postFilter.every((filter) => matches(source, filter)));
    if (sort.field === 'score' && query.exactName !== undefined) {
      // Exact names go first, as the OpenSearch query's boosted `should` puts them.
      const exact = hits.filter((source) => String(source.name ?? '').toLowerCase() === query.exactName);
      if (exact.length > 0) hits = [...exact, ...hits.filter((source) => !exact.includes(source))];
    }
    const aggs: Hits['aggs'] = {};
    for (const [name, { filter, aggregation }] of Object.entries(query.aggs)) {
      const counted = matched.filter((source) => filter.every((clause) => matches(source, clause)));
      aggs[name] = { count: counted.length, buckets: bucketsOf(aggregation, counted) };
    }
    return { total: hits.length, hits: hits.slice(query.from, query.from + query.size), aggs };
  }
}

const matches = (source: Source, filter: Filter) => {
  if (filter.field !== 'priceCents') return filter.values.includes(String(source[filter.field]));
  const price = Number(source.priceCents);
  return filter.ranges.some((range) => price >= range.min && price <= range.max);
};

type Where = WhereCondition<AnyOrama['schema']>;

const betweenOf = (range: { min: number; max: number }): Where => ({
  priceCents: { between: [range.min, range.max] },
});

/** The Orama where clause of some filters, all of which must hold. */
const whereOf = (filters: Filter[]): Where => {
  const conditions = filters.map((filter): Where => {
    if (filter.field !== 'priceCents') return { [filter.field]: { in: filter.values } };
    return filter.ranges.length === 1 && filter.ranges[0]
      ? betweenOf(filter.ranges[0])
      : { or: filter.ranges.map(betweenOf) };
  });
  if (conditions.length > 1) return { and: conditions };
  return conditions[0] ?? {};
};

/** A terms aggregation's buckets, most frequent first (then by value, as OpenSearch orders ties), or each range's count. */
const bucketsOf = (aggregation: Aggregation, sources: Source[]): Bucket[] => {
  if ('ranges' in aggregation) {
    return aggregation.ranges.map((range) => ({
      ...range,
      count: sources.filter((source) => {
        const price = Number(source.priceCents);
        return price >= range.from && (range.to === undefined || price < range.to);
      }).length,
    }));
  }
  const counts = new Map<string, number>();
  for (const source of sources) {
    const value = String(source[aggregation.terms] ?? '');
    counts.set(value, (counts.get(value) ?? 0) + 1);
  }
  return [...counts]
    .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0))
    .slice(0, aggregation.size)
    .map(([key, count]) => ({ key, count }));
};
