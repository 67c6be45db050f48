import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { categoryIdOf } from '../../../functions/catalog/category-id';
import { openSearchIndex, type SearchTransport } from '../../../functions/search/opensearch';
import {
  PRICE_BUCKETS,
  priceBucketOf,
  type SearchDocument,
  type SearchIndex,
  type SearchRequest,
} from '../../../functions/search/port';
import { LocalSearchService } from '../../../local/search/server';

/** The adapter's requests as plain HTTP to the sandbox's search endpoint (no signing, as the sandbox checks none). */
const httpTransport = (endpoint: string): SearchTransport => ({
  request: async ({ method, path, body, bulkBody }) => {
    const payload = bulkBody ? `${bulkBody.map((line) => JSON.stringify(line)).join('\n')}\n` : JSON.stringify(body);
    const response = await fetch(`${endpoint}${path}`, {
      method,
      ...((body !== undefined || bulkBody) && { body: payload, headers: { 'content-type': 'application/json' } }),
    });
    const text = await response.text();
    return { statusCode: response.status, body: text ? JSON.parse(text) : undefined };
  },
});

const doc = (id: string, category: string, brand: string, priceCents: number): SearchDocument => ({
  id,
  sku: id.toUpperCase(),
  name: `Gadget ${id}`,
  description: 'a gadget',
  brand,
  category,
  priceCents,
  currency: 'USD',
  images: [],
  updatedAt: '2026-01-01T00:00:00.000Z',
});

const documents = [
  doc('a1', 'Audio', 'SoundWave', 4_999),
  doc('a2', 'Audio', 'AudioPro', 14_999),
  doc('a3', 'Audio', 'SoundWave', 29_999),
  doc('g1', 'Gaming', 'GameForce', 5_000),
  doc('g2', 'Gaming', 'SoundWave', 199_999),
  doc('c1', 'Computers', 'TechPro', 129_999),
  doc('c2', 'Computers', 'GameForce', 9_999),
  doc('h1', 'Home Office', 'TechPro', 25_000),
];

/** What a multi-select search must answer, worked out here from the documents themselves. */
const expected = (request: SearchRequest) => {
  const categories = request.categories?.map(categoryIdOf);
  const buckets = request.priceBuckets?.map((key) => priceBucketOf(key));
  const inBucket = (cents: number, bucket: (typeof PRICE_BUCKETS)[number] | undefined) =>
    bucket !== undefined && cents >= bucket.fromCents && (bucket.toCents === undefined || cents < bucket.toCents);
  const tests = {
    category: (d: SearchDocument) => !categories || categories.includes(categoryIdOf(d.category)),
    brand: (d: SearchDocument) => !request.brands || request.brands.includes(d.brand),
    price: (d: SearchDocument) => !buckets || buckets.some((bucket) => inBucket(d.priceCents, bucket)),
  };
  const range = (d: SearchDocument) =>
    (request.minCents === undefined || d.priceCents >= request.minCents) &&
    (request.maxCents === undefined || d.priceCents <= request.maxCents);
  const without = (facet: keyof typeof tests) =>
    documents.filter((d) => range(d) && Object.entries(tests).every(([name, test]) => name === facet || test(d)));
  const countBy = (list: SearchDocument[], key: (d: SearchDocument) => string) => {
    const counts: Record<string, number> = {};
    for (const d of list) counts[key(d)] = (counts[key(d)] ?? 0) + 1;
    return counts;
  };
  const hits = documents.filter((d) => range(d) && Object.values(tests).every((test) => test(d)));
  return {
    ids: hits.map((d) => d.id).sort(),
    total: hits.length,
    facets: {
      category: countBy(without('category'), (d) => d.category),
      brand: countBy(without('brand'), (d) => d.brand),
      price: Object.fromEntries(
        PRICE_BUCKETS.map((bucket) => [
          bucket.key,
          without('price').filter((d) => inBucket(d.priceCents, bucket)).length,
        ]),
      ),
    },
  };
};

const service = new LocalSearchService();
let endpoint: string;
let index: SearchIndex;

beforeAll(async () => {
  endpoint = await service.start();
  index = openSearchIndex(httpTransport(endpoint), 'products');
  await index.ensureIndex();
  await index.upsertMany(documents);
});
afterAll(() => service.stop());

const base: SearchRequest = { text: '', sort: 'price', offset: 0, size: 100 };

describe("the sandbox's search endpoint, given the adapter's own requests", () => {
  it.each<[string, Partial<SearchRequest>]>([
    ['no filter', {}],
    ['one category, by name or id', { categories: ['audio'] }],
    ['two categories: the union', { categories: ['Audio', 'Gaming'] }],
    ['a category id with a space in its name', { categories: ['home-office', 'Computers'] }],
    ['a category and a brand: the intersection', { categories: ['Audio'], brands: ['SoundWave'] }],
    ['two brands', { brands: ['SoundWave', 'GameForce'] }],
    ['one price bucket, its upper end excluded', { priceBuckets: ['0-50'] }],
    ['price buckets, the open one among them', { priceBuckets: ['100-250', '1000+'] }],
    [
      'every facet picked, and a price range',
      { categories: ['Audio', 'Gaming'], brands: ['SoundWave'], priceBuckets: ['0-50', '1000+'], maxCents: 100_000 },
    ],
    ['a value nothing has', { brands: ['Nobody'] }],
    ['text and facets', { text: 'gadget', categories: ['Computers'], priceBuckets: ['50-100'] }],
  ])('%s: hits with every filter, each facet counted without its own', async (_, filters) => {
    const request = { ...base, ...filters };
    const result = await index.search(request);
    const want = expected(request);
    expect(result.hits.map((hit) => hit.id).sort()).toEqual(want.ids);
    expect(result.total).toBe(want.total);
    expect(result.facets).toEqual(want.facets);
  });

  it('keeps a picked facet listing its other values, with their counts', async () => {
    const { facets, total } = await index.search({ ...base, categories: ['Audio'] });
    expect(total).toBe(3);
    expect(facets.category).toEqual({ Audio: 3, Gaming: 2, Computers: 2, 'Home Office': 1 });
    expect(facets.brand).toEqual({ SoundWave: 2, AudioPro: 1 });
  });

  it('pages and sorts the post-filtered hits', async () => {
    const request = { ...base, categories: ['Audio', 'Gaming'], size: 2, offset: 1, sort: '-price' as const };
    const result = await index.search(request);
    expect(result.total).toBe(5);
    expect(result.hits.map((hit) => hit.id)).toEqual(['a3', 'a2']);
  });

  it('still answers the earlier body: term filters in the query, facets as plain aggregations', async () => {
    const response = await fetch(`${endpoint}/products/_search`, {
      method: 'POST',
      body: JSON.stringify({
        size: 10,
        query: { bool: { must: [{ match_all: {} }], filter: [{ term: { categoryId: 'audio' } }] } },
        aggs: { brand: { terms: { field: 'brand', size: 50 } } },
      }),
    });
    const body = (await response.json()) as {
      hits: { total: { value: number } };
      aggregations: { brand: { buckets: { key: string; doc_count: number }[] } };
    };
    expect(body.hits.total.value).toBe(3);
    expect(body.aggregations.brand.buckets).toEqual([
      { key: 'SoundWave', doc_count: 2 },
      { key: 'AudioPro', doc_count: 1 },
    ]);
  });

  it('answers a filter aggregation with its count and its sub-aggregation under its own name', async () => {
    const response = await fetch(`${endpoint}/products/_search`, {
      method: 'POST',
      body: JSON.stringify({
        size: 0,
        aggs: {
          picked: { filter: { terms: { brand: ['TechPro'] } }, aggs: { kinds: { terms: { field: 'category' } } } },
        },
      }),
    });
    expect(await response.json()).toMatchObject({
      hits: { total: { value: documents.length } },
      aggregations: {
        picked: {
          doc_count: 2,
          kinds: {
            buckets: expect.arrayContaining([
              { key: 'Computers', doc_count: 1 },
              { key: 'Home Office', doc_count: 1 },
            ]),
          },
        },
      },
    });
  });

  it.each([
    ['a filter on a field it does not know', { post_filter: { term: { sku: 'A1' } } }],
    [
      'a should that is optional beside a filter',
      { post_filter: { bool: { filter: [{ match_all: {} }], should: [{ term: { brand: 'x' } }] } } },
    ],
    [
      'a should mixing fields',
      {
        post_filter: {
          bool: { should: [{ term: { brand: 'x' } }, { range: { priceCents: { gte: 1 } } }], minimum_should_match: 1 },
        },
      },
    ],
    ['an aggregation it does not know', { aggs: { top: { avg: { field: 'priceCents' } } } }],
  ])('refuses %s with 400 rather than ignoring it', async (_, body) => {
    const response = await fetch(`${endpoint}/products/_search`, { method: 'POST', body: JSON.stringify(body) });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { type: 'parsing_exception' } });
  });
});
