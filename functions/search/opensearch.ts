import type { AwsCredentialIdentity, Provider } from '@smithy/types';
import { indexDefinition } from '../../lib/spec/search-index';
import { categoryIdOf } from '../catalog/category-id';
import { config } from '../shared/config';
import {
  type Facets,
  PRICE_BUCKETS,
  priceBucketOf,
  type SearchDocument,
  type SearchIndex,
  type SearchRequest,
  type SearchResult,
} from './port';
import { signedTransport } from './transport';

/** The requests the adapter makes: the few OpenSearch REST calls the sandbox's search service also answers. */
export interface SearchTransport {
  request(
    params: {
      method: string;
      path: string;
      body?: unknown;
      bulkBody?: unknown[];
      querystring?: Record<string, string>;
    },
    options?: { ignore?: number[] },
  ): Promise<{ statusCode: number | null; body: unknown }>;
}

const SORTS: Record<SearchRequest['sort'], unknown[]> = {
  relevance: ['_score', { 'name.exact': 'asc' }, { id: 'asc' }],
  price: [{ priceCents: 'asc' }, { id: 'asc' }],
  '-price': [{ priceCents: 'desc' }, { id: 'asc' }],
  name: [{ 'name.exact': 'asc' }, { id: 'asc' }],
  '-name': [{ 'name.exact': 'desc' }, { id: 'asc' }],
  newest: [{ updatedAt: 'desc' }, { id: 'asc' }],
};

export const FACET_SIZE = 50;

type FacetName = keyof Facets;
type Clause = Record<string, unknown>;

/** The price buckets picked, in the facet's order; a key outside PRICE_BUCKETS is a caller's bug, not a filter. */
const pickedBuckets = (keys: string[]) => {
  for (const key of keys) if (!priceBucketOf(key)) throw new RangeError(`Unknown price bucket ${key}`);
  return PRICE_BUCKETS.filter((bucket) => keys.includes(bucket.key));
};

const priceRange = (bucket: (typeof PRICE_BUCKETS)[number]): Clause => ({
  range: { priceCents: { gte: bucket.fromCents, ...(bucket.toCents !== undefined && { lt: bucket.toCents }) } },
});

/** One clause per facet the request picks values of, matching any of those values. */
const facetFilters = (request: SearchRequest): Partial<Record<FacetName, Clause>> => {
  const filters: Partial<Record<FacetName, Clause>> = {};
  if (request.categories?.length) {
    filters.category = { terms: { categoryId: [...new Set(request.categories.map(categoryIdOf))] } };
  }
  if (request.brands?.length) filters.brand = { terms: { brand: [...new Set(request.brands)] } };
  if (request.priceBuckets?.length) {
    const ranges = pickedBuckets(request.priceBuckets).map(priceRange);
    filters.price = ranges.length === 1 ? (ranges[0] as Clause) : { bool: { should: ranges, minimum_should_match: 1 } };
  }
  return filters;
};

const FACET_AGGREGATIONS: Record<FacetName, Clause> = {
  category: { terms: { field: 'category', size: FACET_SIZE } },
  brand: { terms: { field: 'brand', size: FACET_SIZE } },
  price: {
    range: {
      field: 'priceCents',
      ranges: PRICE_BUCKETS.map((bucket) => ({
        key: bucket.key,
        from: bucket.fromCents,
        ...(bucket.toCents !== undefined && { to: bucket.toCents }),
      })),
    },
  },
};

/**
 * The _search body of a request: the full-text query with the filters that narrow everything (the price
 * range), the page, and the facets. Facet filters narrow the hits as a post_filter, which aggregations do not
 * see; each facet's aggregation applies the other facets' filters itself, so a facet counts its values as
 * if none of them were picked (multi-select facets).
 */
export const searchBody = (request: SearchRequest) => {
  const text = request.text.trim();
  const filter: unknown[] = [];
  if (request.minCents !== undefined || request.maxCents !== undefined) {
    filter.push({
      range: {
        priceCents: {
          ...(request.minCents !== undefined && { gte: request.minCents }),
          ...(request.maxCents !== undefined && { lte: request.maxCents }),
        },
      },
    });
  }
  const facets = facetFilters(request);
  const picked = Object.values(facets);
  const query = text
    ? {
        bool: {
          must: [
            {
              multi_match: {
                query: text,
                fields: ['name^4', 'name.prefix^2', 'brand.text^2', 'category.text', 'description'],
                fuzziness: 'AUTO',
                prefix_length: 1,
              },
            },
          ],
          // The exact name outranks every partial match.
          should: [{ term: { 'name.exact': { value: text.toLowerCase(), boost: 10 } } }],
          filter,
        },
      }
    : { bool: { must: [{ match_all: {} }], filter } };
  const aggs = Object.fromEntries(
    (Object.keys(FACET_AGGREGATIONS) as FacetName[]).map((name) => {
      const others = Object.entries(facets).flatMap(([facet, clause]) => (facet === name ? [] : [clause]));
      return [name, { filter: { bool: { filter: others } }, aggs: { [name]: FACET_AGGREGATIONS[name] } }];
    }),
  );
  return {
    from: request.offset,
    size: request.size,
    track_total_hits: true,
    query,
    ...(picked.length > 0 && { post_filter: { bool: { filter: picked } } }),
    sort: SORTS[request.sort],
    aggs,
  };
};

interface Bucket {
  key: string | number;
  doc_count: number;
}

/** A terms or range aggregation's result, or a filter aggregation's with its sub-aggregation's under its name. */
interface Aggregation {
  buckets?: Bucket[] | Record<string, Omit<Bucket, 'key'>>;
  [inner: string]: unknown;
}

interface SearchResponseBody {
  hits?: { total?: number | { value: number }; hits?: { _source?: SearchDocument & { categoryId?: string } }[] };
  aggregations?: Record<string, Aggregation>;
}

/** A facet's buckets: in the `filter` aggregation that wraps it under the same name, or (older bodies) at the top. */
const bucketsOf = (body: SearchResponseBody, name: string): Record<string, number> => {
  const aggregation = body.aggregations?.[name];
  const buckets = aggregation?.buckets ?? (aggregation?.[name] as Aggregation | undefined)?.buckets ?? [];
  const list = Array.isArray(buckets)
    ? buckets
    : Object.entries(buckets).map(([key, bucket]) => ({ key, doc_count: bucket.doc_count }));
  return Object.fromEntries(list.map((bucket) => [String(bucket.key), bucket.doc_count]));
};

/** Reads a _search response: hits, the total (an object since OpenSearch 1.0, a number before) and the facets. */
export const readSearchResponse = (body: unknown): SearchResult => {
  const response = body as SearchResponseBody;
  const total = response.hits?.total;
  const price = bucketsOf(response, 'price');
  const facets: Facets = {
    category: bucketsOf(response, 'category'),
    brand: bucketsOf(response, 'brand'),
    // Every bucket is listed, empty ones with 0, in the buckets' order.
    price: Object.fromEntries(PRICE_BUCKETS.map((bucket) => [bucket.key, price[bucket.key] ?? 0])),
  };
  return {
    // categoryId is the index's own filter field, not part of a result.
    hits: (response.hits?.hits ?? []).flatMap(({ _source }) => {
      if (!_source) return [];
      const { categoryId: _, ...document } = _source;
      return [document];
    }),
    total: typeof total === 'number' ? total : (total?.value ?? 0),
    facets,
  };
};

export class SearchBackendError extends Error {
  override name = 'SearchBackendError';
}

const failed = (what: string, response: { statusCode: number | null; body: unknown }) =>
  new SearchBackendError(`${what} failed (${response.statusCode}): ${JSON.stringify(response.body).slice(0, 500)}`);

const errorType = (response: { body: unknown }): string | undefined =>
  (response.body as { error?: { type?: string } } | undefined)?.error?.type;

/** A new concrete index's name behind `alias`: sortable by creation, unique per call. */
const versionOf = (alias: string) => `${alias}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;

/** The product index in OpenSearch, under the alias `alias`. */
export const openSearchIndex = (transport: SearchTransport, alias: string): SearchIndex => {
  const toDocument = (document: SearchDocument) => ({ ...document, categoryId: categoryIdOf(document.category) });

  /** The concrete indexes the alias names ([] when there is none). */
  const indexesOfAlias = async (): Promise<string[]> => {
    const response = await transport.request({ method: 'GET', path: `/_alias/${alias}` }, { ignore: [404] });
    return response.statusCode === 200 ? Object.keys(response.body as Record<string, unknown>).sort() : [];
  };

  const bulkInto = async (target: string, documents: SearchDocument[]) => {
    for (let i = 0; i < documents.length; i += 500) {
      const bulkBody = documents
        .slice(i, i + 500)
        .flatMap((document) => [{ index: { _index: target, _id: document.id } }, toDocument(document)]);
      const response = await transport.request({ method: 'POST', path: '/_bulk', bulkBody });
      if ((response.body as { errors?: boolean }).errors) throw failed('bulk index', response);
    }
  };

  return {
    async ensureIndex() {
      const exists = await transport.request({ method: 'HEAD', path: `/${alias}` }, { ignore: [404] });
      if (exists.statusCode === 200) return;
      const created = await transport.request(
        { method: 'PUT', path: `/${versionOf(alias)}`, body: { ...indexDefinition, aliases: { [alias]: {} } } },
        { ignore: [400] },
      );
      if (created.statusCode === 400) throw failed('create index', created);
      // Two cold starts may have raced to create it: the alias must name one index, the oldest stays.
      const [, ...extra] = await indexesOfAlias();
      for (const index of extra) {
        await transport.request({ method: 'DELETE', path: `/${index}` }, { ignore: [404] });
      }
    },

    async rebuild(pages) {
      const target = versionOf(alias);
      const created = await transport.request({ method: 'PUT', path: `/${target}`, body: indexDefinition });
      if (created.statusCode !== 200) throw failed('create index', created);
      let written = 0;
      for await (const page of pages) {
        await bulkInto(target, page);
        written += page.length;
      }
      const previous = await indexesOfAlias();
      // An index made before aliases were used carries the alias's own name: it goes in the same step.
      const legacy =
        previous.length === 0 &&
        (await transport.request({ method: 'HEAD', path: `/${alias}` }, { ignore: [404] })).statusCode === 200;
      const swapped = await transport.request({
        method: 'POST',
        path: '/_aliases',
        body: {
          actions: [
            ...previous.map((index) => ({ remove: { index, alias } })),
            ...(legacy ? [{ remove_index: { index: alias } }] : []),
            { add: { index: target, alias } },
          ],
        },
      });
      if (swapped.statusCode !== 200) throw failed('move alias', swapped);
      for (const index of previous) {
        await transport.request({ method: 'DELETE', path: `/${index}` }, { ignore: [404] });
      }
      return written;
    },

    async upsert(document: SearchDocument) {
      await transport.request({
        method: 'PUT',
        path: `/${alias}/_doc/${encodeURIComponent(document.id)}`,
        body: toDocument(document),
      });
    },

    async remove(id: string) {
      // Removing what is not there is done already (a redelivered event).
      await transport.request(
        { method: 'DELETE', path: `/${alias}/_doc/${encodeURIComponent(id)}` },
        { ignore: [404] },
      );
    },

    upsertMany: (documents: SearchDocument[]) => bulkInto(alias, documents),

    async search(request: SearchRequest) {
      const response = await transport.request(
        { method: 'POST', path: `/${alias}/_search`, body: searchBody(request) },
        { ignore: [404] },
      );
      if (response.statusCode === 404) {
        // No index yet (a new domain before its first product): nothing matches, which is not an error.
        if (errorType(response) === 'index_not_found_exception') return readSearchResponse({});
        throw failed('search', response);
      }
      return readSearchResponse(response.body);
    },
  };
};

let transport: SearchTransport | undefined;
let credentials: Provider<AwsCredentialIdentity> | undefined;

/** The index behind the transport, created once per function instance; requests are SigV4-signed with the function's role. */
export const defaultSearchIndex = (): SearchIndex => {
  transport ??= signedTransport({
    endpoint: config.searchEndpoint,
    region: config.region,
    // Imported when first needed: only the search functions pay for the provider chain (which keeps what it found).
    credentials: async () => {
      credentials ??= (await import('@aws-sdk/credential-provider-node')).defaultProvider();
      return credentials();
    },
  });
  return openSearchIndex(transport, config.searchIndex);
};
