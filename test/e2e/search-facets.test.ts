import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Category, Product } from '../../functions/catalog/schemas';
import { call, type ErrorBody, loginAdmin } from './http';

interface Results {
  items: { id: string; category: string; brand: string; price: number }[];
  total: number;
  facets: { category: Record<string, number>; brand: Record<string, number>; price: Record<string, number> };
  nextCursor: string | null;
}

/**
 * Multi-select facets over a catalog of this file's own: three categories, three brands and prices in four
 * buckets, every product named with one unique word, so that `q=<word>` searches them alone.
 */
const tag = `facet${randomUUID().replaceAll('-', '').slice(0, 12)}`;
const categoryNames = { A: `Facet A ${tag}`, B: `Facet B ${tag}`, C: `Facet C ${tag}` };
const brandNames = { X: `Xbrand ${tag}`, Y: `Ybrand ${tag}`, Z: `Zbrand ${tag}` };
const catalog = [
  { key: 'p1', category: 'A', brand: 'X', price: 30 },
  { key: 'p2', category: 'A', brand: 'Y', price: 120 },
  { key: 'p3', category: 'B', brand: 'X', price: 1200 },
  { key: 'p4', category: 'B', brand: 'Y', price: 75 },
  { key: 'p5', category: 'C', brand: 'X', price: 240 },
  { key: 'p6', category: 'C', brand: 'Z', price: 1500 },
] as const;
type Key = (typeof catalog)[number]['key'];

const ids = new Map<Key, string>();
const idsOf = (...keys: Key[]) => keys.map((key) => ids.get(key)).sort();
const cat = (key: keyof typeof categoryNames) => encodeURIComponent(categoryNames[key]);
const brand = (key: keyof typeof brandNames) => encodeURIComponent(brandNames[key]);

const search = (query: string, limit = 100) => call<Results>(`/api/v1/search?q=${tag}&limit=${limit}&${query}`);
const hitIds = (body: Results) => body.items.map((item) => item.id).sort();
const counts = (facet: Record<string, number>) => Object.fromEntries(Object.entries(facet).filter(([, n]) => n > 0));
const noPrices = { '0-50': 0, '50-100': 0, '100-250': 0, '250-500': 0, '500-1000': 0, '1000+': 0 };

let admin: string;
beforeAll(async () => {
  admin = await loginAdmin();
  for (const name of Object.values(categoryNames)) {
    const { status } = await call<Category>('/api/v1/categories', { method: 'POST', token: admin, json: { name } });
    expect(status).toBe(201);
  }
  await Promise.all(
    catalog.map(async (product) => {
      const { status, body } = await call<Product>('/api/v1/products', {
        method: 'POST',
        token: admin,
        json: {
          sku: `FCT-${randomUUID().slice(0, 12)}`,
          name: `${tag} ${product.key}`,
          price: product.price,
          category: categoryNames[product.category],
          brand: brandNames[product.brand],
        },
      });
      expect(status).toBe(201);
      ids.set(product.key, body.id);
    }),
  );
  // The index follows the catalog through events: wait until it holds all six.
  const started = Date.now();
  while ((await search('')).body.total < catalog.length) {
    if (Date.now() - started > 10_000) throw new Error('the products did not reach the search index in 10 s');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
});

afterAll(async () => {
  await Promise.all([...ids.values()].map((id) => call(`/api/v1/products/${id}`, { method: 'DELETE', token: admin })));
});

describe('GET /api/v1/search: multi-select facets', () => {
  it('keeps a single category or brand as before: by name or id, hits of that value alone', async () => {
    for (const category of [cat('A'), categoryNames.A.toLowerCase().replaceAll(' ', '-')]) {
      const { status, body } = await search(`category=${category}`);
      expect(status).toBe(200);
      expect(hitIds(body)).toEqual(idsOf('p1', 'p2'));
      expect(body.total).toBe(2);
    }
    const { body } = await search(`brand=${brand('X')}`);
    expect(hitIds(body)).toEqual(idsOf('p1', 'p3', 'p5'));
  });

  it('answers the union of two categories', async () => {
    const { status, body } = await search(`category=${cat('A')},${cat('B')}`);
    expect(status).toBe(200);
    expect(hitIds(body)).toEqual(idsOf('p1', 'p2', 'p3', 'p4'));
    expect(body.total).toBe(4);
    // Brands and prices were not picked: their counts are over the hits.
    expect(counts(body.facets.brand)).toEqual({ [brandNames.X]: 2, [brandNames.Y]: 2 });
    expect(body.facets.price).toEqual({ ...noPrices, '0-50': 1, '50-100': 1, '100-250': 1, '1000+': 1 });
  });

  it('answers the intersection of a category and a brand', async () => {
    const { body } = await search(`category=${cat('A')},${cat('B')}&brand=${brand('X')}`);
    expect(hitIds(body)).toEqual(idsOf('p1', 'p3'));
    expect(body.total).toBe(2);
    const one = await search(`category=${cat('C')}&brand=${brand('Y')}`);
    expect(one.body).toMatchObject({ items: [], total: 0 });
  });

  it('counts a picked facet without its own filter, so its other values stay listed, and the other facets with it', async () => {
    const { body } = await search(`category=${cat('A')}`);
    expect(counts(body.facets.category)).toEqual({
      [categoryNames.A]: 2,
      [categoryNames.B]: 2,
      [categoryNames.C]: 2,
    });
    expect(counts(body.facets.brand)).toEqual({ [brandNames.X]: 1, [brandNames.Y]: 1 });

    // With a brand picked too, each facet applies the other's filter.
    const both = await search(`category=${cat('A')}&brand=${brand('X')}`);
    expect(hitIds(both.body)).toEqual(idsOf('p1'));
    expect(counts(both.body.facets.category)).toEqual({
      [categoryNames.A]: 1,
      [categoryNames.B]: 1,
      [categoryNames.C]: 1,
    });
    expect(counts(both.body.facets.brand)).toEqual({ [brandNames.X]: 1, [brandNames.Y]: 1 });
    expect(both.body.facets.price).toEqual({ ...noPrices, '0-50': 1 });
  });

  it('filters by price buckets, any of them, with the price facet still counting every bucket', async () => {
    const { status, body } = await search('price=100-250,1000%2B');
    expect(status).toBe(200);
    expect(hitIds(body)).toEqual(idsOf('p2', 'p3', 'p5', 'p6'));
    expect(body.facets.price).toEqual({ ...noPrices, '0-50': 1, '50-100': 1, '100-250': 2, '1000+': 2 });
    expect(counts(body.facets.category)).toEqual({
      [categoryNames.A]: 1,
      [categoryNames.B]: 1,
      [categoryNames.C]: 2,
    });

    // A `+` left unencoded (which query decoding reads as a space) names the same bucket.
    const unencoded = await search('price=1000+');
    expect(hitIds(unencoded.body)).toEqual(idsOf('p3', 'p6'));

    // Buckets AND a category AND a price range: the range narrows the price facet as well.
    const narrowed = await search(`price=100-250,1000%2B&category=${cat('B')},${cat('C')}&maxPrice=1300`);
    expect(hitIds(narrowed.body)).toEqual(idsOf('p3', 'p5'));
    expect(narrowed.body.facets.price).toEqual({ ...noPrices, '50-100': 1, '100-250': 1, '1000+': 1 });
  });

  it('pages through a multi-select result with its cursor, each hit once', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await search(
        `category=${cat('A')},${cat('C')}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        3,
      );
      expect(page.status).toBe(200);
      seen.push(...page.body.items.map((item) => item.id));
      cursor = page.body.nextCursor;
    } while (cursor && seen.length < 10);
    expect(seen.sort()).toEqual(idsOf('p1', 'p2', 'p5', 'p6'));
  });

  it.each([
    ['price=1000', 'price'],
    ['price=100-250,5-10', 'price'],
    ['price=', 'price'],
    ['category=Audio,,Gaming', 'category'],
    [`category=${Array.from({ length: 21 }, (_, i) => `C${i}`).join(',')}`, 'category'],
    [`brand=${'b'.repeat(101)}`, 'brand'],
  ])('refuses %s with 400 VALIDATION_ERROR naming %s', async (query, path) => {
    const { status, body } = await call<ErrorBody>(`/api/v1/search?${query}`);
    expect(status).toBe(400);
    expect(body.error.code).toBe('VALIDATION_ERROR');
    expect(body.error.details).toEqual([expect.objectContaining({ path })]);
  });
});
