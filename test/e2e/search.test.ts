import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Product } from '../../functions/catalog/schemas';
import { call, type ErrorBody, loginAdmin } from './http';

interface Hit {
  id: string;
  sku: string;
  name: string;
  price: number;
  currency: string;
  category: string;
  brand: string;
}

interface Results {
  items: Hit[];
  total: number;
  facets: { category: Record<string, number>; brand: Record<string, number>; price: Record<string, number> };
  nextCursor: string | null;
}

const search = (query: string) => call<Results>(`/api/v1/search?${query}`);
const sum = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);

let admin: string;
beforeAll(async () => {
  admin = await loginAdmin();
});

describe('GET /api/v1/search: relevance', () => {
  it('finds the Premium Ultrabook first despite a typo', async () => {
    const { status, body } = await search('q=ultrabok');
    expect(status).toBe(200);
    expect(body.items[0]).toMatchObject({
      id: 'prod-laptop-001',
      name: 'Premium Ultrabook Pro 15',
      price: 1299.99,
      currency: 'USD',
    });
    expect(Object.keys(body.items[0] ?? {}).sort()).toEqual(
      ['brand', 'category', 'currency', 'description', 'id', 'images', 'name', 'price', 'sku', 'updatedAt'].sort(),
    );
  });

  it('finds the headphones by a word prefix', async () => {
    const { body } = await search('q=head');
    expect(body.items[0]?.id).toBe('prod-headset-001');
  });

  it('puts the exact name first, ahead of products sharing its words', async () => {
    const { body } = await search(`q=${encodeURIComponent('Premium Bluetooth Speaker')}`);
    expect(body.items[0]?.id).toBe('prod-speaker-001');
    // "Premium" alone also matches the ultrabook, ranked after.
    expect(body.items.map((item) => item.id)).toContain('prod-laptop-001');
  });

  it('finds nothing for words no product has, with empty facets', async () => {
    const { body } = await search('q=zzqxjv');
    expect(body).toMatchObject({ items: [], total: 0, nextCursor: null });
    expect(sum(body.facets.category)).toBe(0);
  });
});

describe('GET /api/v1/search: filters and facets', () => {
  it('lists everything for an empty query, with facets that each add up to the total', async () => {
    const { body } = await search('limit=100');
    expect(body.total).toBeGreaterThanOrEqual(12);
    expect(body.items.map((item) => item.id)).toEqual(expect.arrayContaining(['prod-laptop-001', 'prod-chair-001']));
    expect(sum(body.facets.category)).toBe(body.total);
    expect(sum(body.facets.brand)).toBe(body.total);
    expect(sum(body.facets.price)).toBe(body.total);
  });

  it('filters by category, by name or id, with facets for that query only', async () => {
    for (const category of ['Audio', 'audio']) {
      const { status, body } = await search(`category=${category}&limit=100`);
      expect(status).toBe(200);
      expect(body.total).toBeGreaterThanOrEqual(2);
      expect(body.items.every((item) => item.category === 'Audio')).toBe(true);
      // The category facet leaves out its own filter: Audio counts its matches, the other categories theirs.
      expect(body.facets.category.Audio).toBe(body.total);
      expect(Object.keys(body.facets.category)).toEqual(expect.arrayContaining(['Gaming', 'Computers']));
      expect(sum(body.facets.brand)).toBe(body.total);
      expect(sum(body.facets.price)).toBe(body.total);
    }
    const { body } = await search('q=wireless&category=Peripherals');
    expect(body.items.map((item) => item.id)).toEqual(['prod-mouse-001']);
    expect(body.facets.brand).toEqual({ ClickMaster: 1 });
  });

  it('filters by brand', async () => {
    const { body } = await search('brand=TechPro');
    expect(body.items.map((item) => item.id)).toEqual(['prod-laptop-001']);
  });

  it('filters by a price range, bounds included, and buckets prices', async () => {
    const { body } = await search('minPrice=149.99&maxPrice=299.99&limit=100');
    const sample = body.items.filter((item) => item.id.startsWith('prod-') && !item.id.includes('-', 5));
    expect(body.items.every((item) => item.price >= 149.99 && item.price <= 299.99)).toBe(true);
    expect(body.items.map((item) => item.id)).toEqual(
      expect.arrayContaining(['prod-keyboard-001', 'prod-ssd-001', 'prod-speaker-001', 'prod-headset-001']),
    );
    expect(body.items.map((item) => item.id)).not.toContain('prod-mouse-001');
    expect(sample.length).toBeLessThanOrEqual(body.total);
    expect(sum(body.facets.price)).toBe(body.total);
    const cheap = await search('maxPrice=100');
    expect(cheap.body.facets.price['50-100']).toBeGreaterThanOrEqual(1); // the 79.99 mouse
    expect(cheap.body.facets.price['1000+']).toBe(0);
  });

  it('sorts by price both ways', async () => {
    const up = await search('sort=price&limit=100');
    const prices = up.body.items.map((item) => item.price);
    expect(prices).toEqual([...prices].sort((a, b) => a - b));
    const down = await search('sort=-price&limit=5&category=Gaming');
    expect(down.body.items[0]?.id).toBe('prod-laptop-002');
  });

  it('pages with a cursor through every match exactly once', async () => {
    // Products of a brand of its own: other files change the shared catalog meanwhile, which moves its products
    // between the pages of an unfiltered listing.
    const brand = `Pager${randomUUID().replaceAll('-', '').slice(0, 10)}`;
    const created = await Promise.all(
      Array.from({ length: 12 }, async (_, i) => {
        const reply = await call<Product>('/api/v1/products', {
          method: 'POST',
          token: admin,
          json: {
            sku: `PAGE-${randomUUID().slice(0, 8)}`,
            name: `Paged item ${i}`,
            price: 10 + i,
            category: 'Electronics',
            brand,
          },
        });
        expect(reply.status).toBe(201);
        return reply.body.id;
      }),
    );
    const deadline = Date.now() + 10_000;
    while ((await search(`brand=${brand}`)).body.total < created.length && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }

    const ids: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const { status, body } = await search(
        `brand=${brand}&limit=5${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      expect(status).toBe(200);
      ids.push(...body.items.map((item) => item.id));
      cursor = body.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(ids).toHaveLength(created.length);
    expect(new Set(ids)).toEqual(new Set(created));
    // The cursor belongs to its query.
    const first = await search(`brand=${brand}&limit=5`);
    const other = await search(`limit=5&category=Audio&cursor=${encodeURIComponent(first.body.nextCursor ?? '')}`);
    expect(other.status).toBe(400);
    await Promise.all(created.map((id) => call(`/api/v1/products/${id}`, { method: 'DELETE', token: admin })));
  });

  it.each([
    ['minPrice=-1', 'minPrice'],
    ['maxPrice=abc', 'maxPrice'],
    ['minPrice=50&maxPrice=10', 'minPrice'],
    ['sort=popularity', 'sort'],
    ['limit=0', 'limit'],
    ['limit=101', 'limit'],
    [`q=${'x'.repeat(201)}`, 'q'],
    ['cursor=not-a-cursor', ''],
  ])('refuses %s with 400', async (query, path) => {
    const { status, body } = await call<ErrorBody>(`/api/v1/search?${query}`);
    expect(status).toBe(400);
    if (path) expect(body.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ path })]));
    else expect(body.error.code).toBe('INVALID_CURSOR');
  });
});

describe('the index follows the catalog', () => {
  const waitFor = async (query: string, until: (body: Results) => boolean, withinMs: number) => {
    const started = Date.now();
    for (;;) {
      const { body } = await search(query);
      if (until(body)) return Date.now() - started;
      if (Date.now() - started > withinMs) throw new Error(`not seen within ${withinMs} ms: ${JSON.stringify(body)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };

  it('finds a product an admin creates within 2 s, updated after an update, and never after its delete', async () => {
    const word = `zephyr${randomUUID().replaceAll('-', '').slice(0, 10)}`;
    const created = await call<Product>('/api/v1/products', {
      method: 'POST',
      token: admin,
      json: {
        sku: `SRCH-${randomUUID().slice(0, 8)}`,
        name: `Tabletop ${word} Lamp`,
        price: 42,
        category: 'Electronics',
        brand: 'Lumen',
      },
    });
    expect(created.status).toBe(201);
    await waitFor(`q=${word}`, (body) => body.items[0]?.id === created.body.id, 2000);

    await call(`/api/v1/products/${created.body.id}`, { method: 'PUT', token: admin, json: { price: 40.5 } });
    await waitFor(`q=${word}`, (body) => body.items[0]?.price === 40.5, 2000);

    const deleted = await call(`/api/v1/products/${created.body.id}`, { method: 'DELETE', token: admin });
    expect(deleted.status).toBe(204);
    await waitFor(`q=${word}`, (body) => body.total === 0, 2000);
  });
});
