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
  private readonly byExactName = new Map<string, Set<string>>();

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
    const key = name.toLowerCase();
    this.byExactName.set(key, (this.byExactName.get(key) ?? new Set()).add(source.id));
    return existed ? 'updated' : 'created';
  }

  async remove(id: string): Promise<boolean> {
    const source = this.sources.get(id);
    if (!source) return false;
    await remove(this.db, id);
    this.sources.delete(id);
    this.byExactName.get(String(source.name ?? '').toLowerCase())?.delete(id);
    return true;
  }

  async search(query: Query): Promise<Hits> {
    const text = query.text.trim();
    const hitFilters = [...query.filter, ...query.postFilter];
    // One Orama search per distinct set of filters: the hits' (which also counts the aggregations that share
    // them), then one per other set, for its counts alone.
    const groups: { key: string; filters: Filter[]; aggs: [string, Aggregation][] }[] = [
      { key: keyOf(hitFilters), filters: hitFilters, aggs: [] },
    ];
    for (const [name, { filter, aggregation }] of Object.entries(query.aggs)) {
      const filters = [...query.filter, ...filter];
      const key = keyOf(filters);
      const property = propertyOf(aggregation);
      let group = groups.find((g) => g.key === key && !g.aggs.some(([, other]) => propertyOf(other) === property));
      if (!group) {
        group = { key, filters, aggs: [] };
        groups.push(group);
      }
      group.aggs.push([name, aggregation]);
    }
    const [hitsGroup, ...countGroups] = groups as [(typeof groups)[number], ...typeof groups];
    // Without text, naming the properties makes Orama walk every token (about 250 ms at 5,000 products).
    const textParams = text
      ? {
          properties: ['name', 'description', 'brandText', 'categoryText'],
          boost: { name: 4, brandText: 2 },
          tolerance: autoTolerance(text),
        }
      : {};

    // Without text every score is equal: OpenSearch then orders by the tie-breaker, the name.
    const sort = query.sort.field === 'score' && !text ? { field: 'name' as const, descending: false } : query.sort;
    const exact =
      sort.field === 'score' && query.exactName !== undefined
        ? [...(this.byExactName.get(query.exactName) ?? [])].filter((id) => {
            const source = this.sources.get(id);
            return source !== undefined && hitFilters.every((filter) => matches(source, filter));
          })
        : [];
    // Exact names go first, so the page is cut from the reordered list: read past it by as many.
    const limit = exact.length > 0 ? query.from + query.size + exact.length : query.size;
    const offset = exact.length > 0 ? 0 : query.from;
    const sortProperty = { name: 'nameSort', priceCents: 'priceCents', updatedAt: 'updatedAt' } as const;
    const result = await search(this.db, {
      term: text,
      ...textParams,
      where: whereOf(hitsGroup.filters),
      limit,
      offset,
      ...(sort.field !== 'score' && {
        sortBy: { property: sortProperty[sort.field], order: sort.descending ? 'DESC' : 'ASC' },
      }),
      facets: facetsOf(hitsGroup.aggs),
    });
    let ids = result.hits.map((hit) => String(hit.id));
    if (exact.length > 0) {
      const first = new Set(exact);
      ids = [...exact, ...ids.filter((id) => !first.has(id))].slice(query.from, query.from + query.size);
    }
    const aggs: Hits['aggs'] = {};
    const collect = (group: (typeof groups)[number], counted: { count: number; facets?: FacetResult }) => {
      for (const [name, aggregation] of group.aggs) {
        aggs[name] = { count: counted.count, buckets: bucketsOf(aggregation, counted.facets ?? {}) };
      }
    };
    collect(hitsGroup, result);
    for (const group of countGroups) {
      // A preflight search counts and facets without reading any document.
      collect(
        group,
        await search(this.db, {
          term: text,
          ...textParams,
          where: whereOf(group.filters),
          preflight: true,
          facets: facetsOf(group.aggs),
        }),
      );
    }
    return { total: result.count, hits: ids.flatMap((id) => this.sources.get(id) ?? []), aggs };
  }
}

type FacetResult = Record<string, { values: Record<string, number> }>;

/** The same filters in any order give the same key. */
const keyOf = (filters: Filter[]) =>
  filters
    .map((filter) =>
      JSON.stringify(
        filter.field === 'priceCents'
          ? [filter.field, [...filter.ranges].sort((a, b) => a.min - b.min || a.max - b.max)]
          : [filter.field, [...filter.values].sort()],
      ),
    )
    .sort()
    .join('|');

const propertyOf = (aggregation: Aggregation) => ('terms' in aggregation ? aggregation.terms : 'priceCents');

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

const facetsOf = (aggs: [string, Aggregation][]) =>
  Object.fromEntries(
    aggs.map(([, aggregation]) =>
      'terms' in aggregation
        ? [aggregation.terms, { limit: aggregation.size }]
        : [
            'priceCents',
            {
              ranges: aggregation.ranges.map((range) => ({
                from: range.from,
                // Orama's ranges include both ends; cents are whole numbers, so [from, to) is [from, to - 1].
                to: range.to === undefined ? Number.MAX_SAFE_INTEGER : range.to - 1,
              })),
            },
          ],
    ),
  );

const bucketsOf = (aggregation: Aggregation, facets: FacetResult): Bucket[] => {
  if ('terms' in aggregation) {
    return Object.entries(facets[aggregation.terms]?.values ?? {}).map(([key, count]) => ({ key, count }));
  }
  const counts = Object.values(facets.priceCents?.values ?? {});
  return aggregation.ranges.map((range, i) => ({ ...range, count: counts[i] ?? 0 }));
};
