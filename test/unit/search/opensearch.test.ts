import { describe, expect, it } from 'vitest';
import { openSearchIndex, readSearchResponse, type SearchTransport } from '../../../functions/search/opensearch';
import type { SearchDocument, SearchRequest } from '../../../functions/search/port';
import { indexDefinition } from '../../../lib/spec/search-index';

/** A transport that records each request and answers with the next recorded response. */
const recording = (...responses: { statusCode: number; body: unknown }[]) => {
  const requests: { params: Parameters<SearchTransport['request']>[0]; options?: { ignore?: number[] } }[] = [];
  const transport: SearchTransport = {
    request: async (params, options) => {
      requests.push({ params, ...(options && { options }) });
      const response = responses.shift();
      if (!response) throw new Error(`unexpected request ${params.method} ${params.path}`);
      return response;
    },
  };
  return { transport, requests };
};

const laptop: SearchDocument = {
  id: 'prod-laptop-001',
  sku: 'LAPTOP-001',
  name: 'Premium Ultrabook Pro 15',
  description: 'High-performance ultrabook',
  brand: 'TechPro',
  category: 'Computers',
  priceCents: 129_999,
  currency: 'USD',
  images: ['/images/products/prod-laptop-001.svg'],
  updatedAt: '2026-01-01T00:00:00.000Z',
};

/** A response of OpenSearch 2.19 to the adapter's _search body (trimmed of _shards and scores), its facets in filter aggregations. */
const recordedSearchResponse = {
  took: 7,
  timed_out: false,
  _shards: { total: 1, successful: 1, skipped: 0, failed: 0 },
  hits: {
    total: { value: 2, relation: 'eq' },
    max_score: null,
    hits: [
      {
        _index: 'products',
        _id: 'prod-laptop-001',
        _score: 9.1,
        _source: { ...laptop, categoryId: 'computers' },
        sort: [9.1],
      },
      { _index: 'products', _id: 'prod-ssd-001', _score: 2.3, _source: { ...laptop, id: 'prod-ssd-001' }, sort: [2.3] },
    ],
  },
  aggregations: {
    category: {
      doc_count: 2,
      category: {
        doc_count_error_upper_bound: 0,
        sum_other_doc_count: 0,
        buckets: [{ key: 'Computers', doc_count: 2 }],
      },
    },
    brand: {
      doc_count: 2,
      brand: {
        doc_count_error_upper_bound: 0,
        sum_other_doc_count: 0,
        buckets: [
          { key: 'SpeedDrive', doc_count: 1 },
          { key: 'TechPro', doc_count: 1 },
        ],
      },
    },
    price: {
      doc_count: 2,
      price: {
        buckets: [
          { key: '0-50', from: 0, to: 5000, doc_count: 0 },
          { key: '100-250', from: 10000, to: 25000, doc_count: 1 },
          { key: '1000+', from: 100000, doc_count: 1 },
        ],
      },
    },
  },
};

/** The parts of a sent _search body the tests look at. */
interface SentBody {
  from: number;
  size: number;
  query: { bool: { must: { multi_match?: unknown }[]; should?: unknown[]; filter: unknown[] } };
  post_filter?: unknown;
  sort: unknown[];
  aggs: Record<'category' | 'brand' | 'price', { filter: unknown; aggs: Record<string, unknown> }>;
}

const request: SearchRequest = { text: ' Ultrabok ', sort: 'relevance', offset: 20, size: 10 };

const sentBody = async (searched: SearchRequest) => {
  const { transport, requests } = recording({ statusCode: 200, body: recordedSearchResponse });
  await openSearchIndex(transport, 'products').search(searched);
  expect(requests).toHaveLength(1);
  return requests[0]?.params.body as SentBody;
};

const categoryAgg = { terms: { field: 'category', size: 50 } };
const brandAgg = { terms: { field: 'brand', size: 50 } };
const priceAgg = {
  range: {
    field: 'priceCents',
    ranges: [
      { key: '0-50', from: 0, to: 5_000 },
      { key: '50-100', from: 5_000, to: 10_000 },
      { key: '100-250', from: 10_000, to: 25_000 },
      { key: '250-500', from: 25_000, to: 50_000 },
      { key: '500-1000', from: 50_000, to: 100_000 },
      { key: '1000+', from: 100_000 },
    ],
  },
};
const all = (...filter: unknown[]) => ({ bool: { filter } });

describe('the OpenSearch adapter', () => {
  it('searches with a fuzzy, prefix-aware query, exact-name boost, filters, page and facet aggregations', async () => {
    const { transport, requests } = recording({ statusCode: 200, body: recordedSearchResponse });
    await openSearchIndex(transport, 'products').search({
      ...request,
      categories: ['Home Office'],
      brands: ['TechPro'],
      minCents: 10_000,
      maxCents: 50_000,
    });
    expect(requests).toHaveLength(1);
    const [{ params }] = requests as [(typeof requests)[number]];
    expect(params.method).toBe('POST');
    expect(params.path).toBe('/products/_search');
    const body = params.body as SentBody;
    expect(body).toMatchObject({ from: 20, size: 10, track_total_hits: true });
    expect(body.query.bool.must[0]?.multi_match).toMatchObject({
      query: 'Ultrabok',
      fuzziness: 'AUTO',
      fields: expect.arrayContaining(['name^4', 'name.prefix^2']),
    });
    expect(body.query.bool.should).toEqual([{ term: { 'name.exact': { value: 'ultrabok', boost: 10 } } }]);
    // The price range narrows hits and facets alike; the facet filters narrow the hits after the facets.
    expect(body.query.bool.filter).toEqual([{ range: { priceCents: { gte: 10_000, lte: 50_000 } } }]);
    expect(body.post_filter).toEqual(
      all({ terms: { categoryId: ['home-office'] } }, { terms: { brand: ['TechPro'] } }),
    );
    expect(body.sort[0]).toBe('_score');
    expect(body.aggs.category.aggs).toEqual({ category: categoryAgg });
    expect(body.aggs.price.aggs).toEqual({ price: priceAgg });
  });

  it('counts each facet with every facet filter but its own', async () => {
    const body = await sentBody({
      ...request,
      categories: ['Audio', 'gaming', ' AUDIO '],
      brands: ['SoundWave', 'GameForce'],
      priceBuckets: ['1000+', '100-250'],
      minCents: 5_000,
    });
    const category = { terms: { categoryId: ['audio', 'gaming'] } };
    const brand = { terms: { brand: ['SoundWave', 'GameForce'] } };
    // Any of the buckets, in the facet's order, each [from, to).
    const price = {
      bool: {
        should: [{ range: { priceCents: { gte: 10_000, lt: 25_000 } } }, { range: { priceCents: { gte: 100_000 } } }],
        minimum_should_match: 1,
      },
    };
    expect(body.query.bool.filter).toEqual([{ range: { priceCents: { gte: 5_000 } } }]);
    expect(body.post_filter).toEqual(all(category, brand, price));
    expect(body.aggs).toEqual({
      category: { filter: all(brand, price), aggs: { category: categoryAgg } },
      brand: { filter: all(category, price), aggs: { brand: brandAgg } },
      price: { filter: all(category, brand), aggs: { price: priceAgg } },
    });
  });

  it('filters one price bucket by its range, and sends no post_filter without a facet filter', async () => {
    const one = await sentBody({ ...request, priceBuckets: ['50-100'] });
    expect(one.post_filter).toEqual(all({ range: { priceCents: { gte: 5_000, lt: 10_000 } } }));
    expect(one.aggs.category.filter).toEqual(one.post_filter);
    expect(one.aggs.price.filter).toEqual(all());

    const none = await sentBody(request);
    expect(none).not.toHaveProperty('post_filter');
    for (const name of ['category', 'brand', 'price'] as const) expect(none.aggs[name].filter).toEqual(all());
  });

  it('refuses a price bucket the facet does not have rather than dropping the filter', async () => {
    const { transport, requests } = recording();
    await expect(openSearchIndex(transport, 'products').search({ ...request, priceBuckets: ['5-10'] })).rejects.toThrow(
      /Unknown price bucket 5-10/,
    );
    expect(requests).toHaveLength(0);
  });

  it('matches everything for an empty text and sorts by the field asked', async () => {
    const { transport, requests } = recording({ statusCode: 200, body: recordedSearchResponse });
    await openSearchIndex(transport, 'products').search({ text: '', sort: '-price', offset: 0, size: 5 });
    const body = requests[0]?.params.body as SentBody;
    expect(body.query).toEqual({ bool: { must: [{ match_all: {} }], filter: [] } });
    expect(body.sort).toEqual([{ priceCents: 'desc' }, { id: 'asc' }]);
  });

  it('answers an empty result while the index does not exist yet, and fails on any other 404', async () => {
    const missingIndex = {
      statusCode: 404,
      body: {
        error: { type: 'index_not_found_exception', reason: 'no such index [products]', index: 'products' },
        status: 404,
      },
    };
    const { transport, requests } = recording(missingIndex);
    const result = await openSearchIndex(transport, 'products').search(request);
    expect(requests[0]?.options).toEqual({ ignore: [404] });
    expect(result.hits).toEqual([]);
    expect(result.total).toBe(0);
    expect(result.facets.category).toEqual({});
    expect(Object.values(result.facets.price)).toEqual([0, 0, 0, 0, 0, 0]);

    const other = recording({ statusCode: 404, body: { error: { type: 'no_such_route' } } });
    await expect(openSearchIndex(other.transport, 'products').search(request)).rejects.toThrow(/search failed \(404\)/);
  });

  it('reads hits, the total and every price bucket from a recorded response', () => {
    const result = readSearchResponse(recordedSearchResponse);
    expect(result.total).toBe(2);
    expect(result.hits.map((hit) => hit.id)).toEqual(['prod-laptop-001', 'prod-ssd-001']);
    // The document as indexed, without the index's own categoryId field.
    expect(result.hits[0]).toEqual(laptop);
    expect(result.facets.category).toEqual({ Computers: 2 });
    expect(result.facets.brand).toEqual({ SpeedDrive: 1, TechPro: 1 });
    expect(result.facets.price).toEqual({
      '0-50': 0,
      '50-100': 0,
      '100-250': 1,
      '250-500': 0,
      '500-1000': 0,
      '1000+': 1,
    });
  });

  it('reads the older response shapes: a numeric total, keyed range buckets, facets not in a filter aggregation', () => {
    const result = readSearchResponse({
      hits: { total: 3, hits: [] },
      aggregations: {
        price: { buckets: { '50-100': { from: 5000, to: 10000, doc_count: 3 } } },
        brand: { buckets: [{ key: 'TechPro', doc_count: 3 }] },
      },
    });
    expect(result.total).toBe(3);
    expect(result.facets.price['50-100']).toBe(3);
    expect(result.facets.brand).toEqual({ TechPro: 3 });
    expect(result.facets.category).toEqual({});
  });

  it('puts a document by id with its category id, and removes one ignoring a missing document', async () => {
    const { transport, requests } = recording(
      { statusCode: 201, body: { result: 'created' } },
      { statusCode: 404, body: { result: 'not_found' } },
    );
    const index = openSearchIndex(transport, 'products');
    await index.upsert({ ...laptop, id: 'prod/odd id' });
    await index.remove('prod-laptop-001');
    expect(requests[0]?.params).toMatchObject({ method: 'PUT', path: '/products/_doc/prod%2Fodd%20id' });
    expect(requests[0]?.params.body).toMatchObject({ name: laptop.name, categoryId: 'computers' });
    expect(requests[1]).toEqual({
      params: { method: 'DELETE', path: '/products/_doc/prod-laptop-001' },
      options: { ignore: [404] },
    });
  });

  it('creates a versioned index under the alias only when the alias is missing', async () => {
    const exists = recording({ statusCode: 200, body: true });
    await openSearchIndex(exists.transport, 'products').ensureIndex();
    expect(exists.requests.map((r) => r.params.method)).toEqual(['HEAD']);

    const missing = recording(
      { statusCode: 404, body: false },
      { statusCode: 200, body: { acknowledged: true } },
      { statusCode: 200, body: { 'products-1-a': { aliases: { products: {} } } } },
    );
    await openSearchIndex(missing.transport, 'products').ensureIndex();
    const create = missing.requests[1]?.params;
    expect(create?.method).toBe('PUT');
    expect(create?.path).toMatch(/^\/products-\d+-[a-z0-9]+$/);
    expect(create?.body).toEqual({ ...indexDefinition, aliases: { products: {} } });
    expect(missing.requests[2]?.params).toEqual({ method: 'GET', path: '/_alias/products' });
    expect(missing.requests).toHaveLength(3);

    const broken = recording(
      { statusCode: 404, body: false },
      { statusCode: 400, body: { error: { type: 'mapper_parsing_exception', reason: 'bad mapping' }, status: 400 } },
    );
    await expect(openSearchIndex(broken.transport, 'products').ensureIndex()).rejects.toThrow(
      /mapper_parsing_exception/,
    );
  });

  it('leaves the oldest index under the alias when two cold starts created one each', async () => {
    const { transport, requests } = recording(
      { statusCode: 404, body: false },
      { statusCode: 200, body: { acknowledged: true } },
      {
        statusCode: 200,
        body: { 'products-200-b': { aliases: { products: {} } }, 'products-100-a': { aliases: { products: {} } } },
      },
      { statusCode: 200, body: { acknowledged: true } },
    );
    await openSearchIndex(transport, 'products').ensureIndex();
    expect(requests[3]).toEqual({ params: { method: 'DELETE', path: '/products-200-b' }, options: { ignore: [404] } });
  });

  it('rebuilds into a new index, moves the alias to it in one request, then drops the old one', async () => {
    const ok = { statusCode: 200, body: { acknowledged: true } };
    const { transport, requests } = recording(
      ok,
      { statusCode: 200, body: { errors: false, items: [] } },
      { statusCode: 200, body: { 'products-100-a': { aliases: { products: {} } } } },
      ok,
      ok,
    );
    async function* pages() {
      yield [laptop, { ...laptop, id: 'prod-2' }];
      yield [];
    }
    expect(await openSearchIndex(transport, 'products').rebuild(pages())).toBe(2);
    const target = requests[0]?.params.path.slice(1);
    expect(requests[0]?.params).toEqual({ method: 'PUT', path: `/${target}`, body: indexDefinition });
    expect(requests[1]?.params.bulkBody?.[0]).toEqual({ index: { _index: target, _id: laptop.id } });
    expect(requests[3]?.params).toEqual({
      method: 'POST',
      path: '/_aliases',
      body: {
        actions: [
          { remove: { index: 'products-100-a', alias: 'products' } },
          { add: { index: target, alias: 'products' } },
        ],
      },
    });
    expect(requests[4]).toEqual({ params: { method: 'DELETE', path: '/products-100-a' }, options: { ignore: [404] } });
  });

  it('replaces an index named like the alias (made before aliases) in the same alias request', async () => {
    const ok = { statusCode: 200, body: { acknowledged: true } };
    const { transport, requests } = recording(ok, { statusCode: 404, body: {} }, { statusCode: 200, body: true }, ok);
    async function* none() {}
    expect(await openSearchIndex(transport, 'products').rebuild(none())).toBe(0);
    const target = requests[0]?.params.path.slice(1);
    expect(requests[3]?.params.body).toEqual({
      actions: [{ remove_index: { index: 'products' } }, { add: { index: target, alias: 'products' } }],
    });
    expect(requests).toHaveLength(4);
  });

  it('bulk-indexes in chunks of 500 and fails on a response with item errors', async () => {
    const ok = { statusCode: 200, body: { took: 3, errors: false, items: [] } };
    const { transport, requests } = recording(ok, ok);
    const documents = Array.from({ length: 501 }, (_, i) => ({ ...laptop, id: `p-${i}` }));
    await openSearchIndex(transport, 'products').upsertMany(documents);
    expect(requests.map((r) => r.params.bulkBody?.length)).toEqual([1000, 2]);
    expect(requests[0]?.params.bulkBody?.[0]).toEqual({ index: { _index: 'products', _id: 'p-0' } });

    const failing = recording({
      statusCode: 200,
      body: {
        took: 1,
        errors: true,
        items: [{ index: { _id: 'p-0', status: 400, error: { type: 'strict_dynamic_mapping_exception' } } }],
      },
    });
    await expect(openSearchIndex(failing.transport, 'products').upsertMany([laptop])).rejects.toThrow(
      /strict_dynamic_mapping/,
    );
  });
});
