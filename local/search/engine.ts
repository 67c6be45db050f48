import { type AnyOrama, create, insert, remove, search } from '@orama/orama';

/** A product document as the search adapter indexes it (functions/search/opensearch.ts). */
export type Source = Record<string, unknown> & { id: string };

export interface Query {
  text: string;
  /** Names matching this (lower-cased) exactly come first, as the OpenSearch query's boosted `should` does. */
  exactName?: string;
  categoryId?: string;
  brand?: string;
  minCents?: number;
  maxCents?: number;
  sort: { field: 'score' | 'name' | 'priceCents' | 'updatedAt'; descending: boolean };
  from: number;
  size: number;
  /** Price buckets [from, to) in cents, to absent for the last. */
  priceRanges: { key: string; from: number; to?: number }[];
  facetSize: number;
}

export interface Hits {
  total: number;
  hits: Source[];
  category: Record<string, number>;
  brand: Record<string, number>;
  price: { key: string; from: number; to?: number; count: number }[];
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

  private matchesFilters(source: Source, query: Query) {
    const price = Number(source.priceCents);
    return (
      (query.categoryId === undefined || source.categoryId === query.categoryId) &&
      (query.brand === undefined || source.brand === query.brand) &&
      (query.minCents === undefined || price >= query.minCents) &&
      (query.maxCents === undefined || price <= query.maxCents)
    );
  }

  async search(query: Query): Promise<Hits> {
    const where: Record<string, unknown> = {};
    if (query.categoryId !== undefined) where.categoryId = { eq: query.categoryId };
    if (query.brand !== undefined) where.brand = { eq: query.brand };
    if (query.minCents !== undefined || query.maxCents !== undefined) {
      where.priceCents = { between: [query.minCents ?? 0, query.maxCents ?? Number.MAX_SAFE_INTEGER] };
    }
    const text = query.text.trim();
    // Without text every score is equal: OpenSearch then orders by the tie-breaker, the name.
    const sort = query.sort.field === 'score' && !text ? { field: 'name' as const, descending: false } : query.sort;
    const exact =
      sort.field === 'score' && query.exactName !== undefined
        ? [...(this.byExactName.get(query.exactName) ?? [])].filter((id) => {
            const source = this.sources.get(id);
            return source !== undefined && this.matchesFilters(source, query);
          })
        : [];
    // Exact names go first, so the page is cut from the reordered list: read past it by as many.
    const limit = exact.length > 0 ? query.from + query.size + exact.length : query.size;
    const offset = exact.length > 0 ? 0 : query.from;
    const sortProperty = { name: 'nameSort', priceCents: 'priceCents', updatedAt: 'updatedAt' } as const;
    const result = await search(this.db, {
      term: text,
      // Without text, naming the properties makes Orama walk every token (about 250 ms at 5,000 products).
      ...(text && {
        properties: ['name', 'description', 'brandText', 'categoryText'],
        boost: { name: 4, brandText: 2 },
        tolerance: autoTolerance(text),
      }),
      where,
      limit,
      offset,
      ...(sort.field !== 'score' && {
        sortBy: { property: sortProperty[sort.field], order: sort.descending ? 'DESC' : 'ASC' },
      }),
      facets: {
        category: { limit: query.facetSize },
        brand: { limit: query.facetSize },
        priceCents: {
          ranges: query.priceRanges.map((range) => ({
            from: range.from,
            // Orama's ranges include both ends; cents are whole numbers, so [from, to) is [from, to - 1].
            to: range.to === undefined ? Number.MAX_SAFE_INTEGER : range.to - 1,
          })),
        },
      },
    });
    let ids = result.hits.map((hit) => String(hit.id));
    if (exact.length > 0) {
      const first = new Set(exact);
      ids = [...exact, ...ids.filter((id) => !first.has(id))].slice(query.from, query.from + query.size);
    }
    const facets = result.facets ?? {};
    const priceCounts = Object.values(facets.priceCents?.values ?? {});
    return {
      total: result.count,
      hits: ids.flatMap((id) => this.sources.get(id) ?? []),
      category: facets.category?.values ?? {},
      brand: facets.brand?.values ?? {},
      price: query.priceRanges.map((range, i) => ({ ...range, count: priceCounts[i] ?? 0 })),
    };
  }
}
