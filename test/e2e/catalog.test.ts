import { describe, expect, it } from 'vitest';
import type { Product } from '../../functions/catalog/schemas';
import { sampleProducts } from '../../lib/spec/sample-data';
import { call, type ErrorBody } from './http';

interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

// Admin tests create products in the same sandbox meanwhile: assertions about the sample catalog look at its products only.
const sampleIds = new Set(sampleProducts.map((p) => p.id));
const samples = (items: Product[]) => items.filter((p) => sampleIds.has(p.id));

const products = (query = '') => call<Page<Product>>(`/api/v1/products${query}`);

/** Follows nextCursor to the end. */
const allPages = async (query: string) => {
  const seen: Product[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const separator = query ? '&' : '?';
    const { status, body } = await products(
      `${query}${cursor ? `${separator}cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    expect(status).toBe(200);
    seen.push(...body.items);
    cursor = body.nextCursor;
    pages++;
  } while (cursor && pages < 20);
  return { items: seen, pages };
};

describe('GET /api/v1/products', () => {
  it('lists the 12 sample products with every field, money in major units', async () => {
    const { status, body, headers } = await products('?limit=100');
    expect(status).toBe(200);
    expect(headers.get('x-content-type-options')).toBe('nosniff');
    expect(samples(body.items)).toHaveLength(12);
    expect(body.nextCursor).toBeNull();
    const laptop = body.items.find((p) => p.id === 'prod-laptop-001');
    expect(laptop).toMatchObject({
      id: 'prod-laptop-001',
      sku: 'LAPTOP-001',
      name: 'Premium Ultrabook Pro 15',
      price: 1299.99,
      currency: 'USD',
      category: 'Computers',
    });
    for (const product of body.items) {
      expect(Object.keys(product)).toEqual(
        expect.arrayContaining([
          'id',
          'sku',
          'name',
          'description',
          'price',
          'currency',
          'category',
          'brand',
          'images',
          'attributes',
        ]),
      );
    }
  });

  it('answers 20 by default, sorted by name', async () => {
    const { body } = await products();
    const names = body.items.map((p) => p.name);
    expect(names).toEqual([...names].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase())));
    expect(body.items.length).toBe(Math.min(20, (await allPages('')).items.length));
  });

  it('pages with a cursor: every product once, no duplicates', async () => {
    const { items, pages } = await allPages('?limit=5');
    expect(pages).toBe(Math.ceil(items.length / 5));
    expect(new Set(items.map((p) => p.id)).size).toBe(items.length);
    expect(samples(items)).toHaveLength(12);
  });

  it('filters by category, by name or id, case-insensitively', async () => {
    const computers = sampleProducts
      .filter((p) => p.category === 'Computers')
      .map((p) => p.id)
      .sort();
    for (const category of ['Computers', 'computers', 'COMPUTERS']) {
      const { body } = await products(`?category=${category}`);
      expect(
        samples(body.items)
          .map((p) => p.id)
          .sort(),
      ).toEqual(computers);
    }
    const { body: none } = await products('?category=garden');
    expect(none.items).toEqual([]);
    // No category's name lacks a letter or digit: none is found, rather than an index key DynamoDB refuses.
    for (const nameless of ['%21', '-', '%20%2A%20']) {
      const { status, body } = await call<{ items: unknown[] }>(`/api/v1/products?category=${nameless}`);
      expect(status).toBe(200);
      expect(body).toEqual({ items: [], nextCursor: null });
    }
  });

  it('filters by price range (inclusive) and sorts by price both ways', async () => {
    const { body } = await products('?minPrice=100&maxPrice=500&sort=price&limit=100');
    expect(body.items.every((p) => p.price >= 100 && p.price <= 500)).toBe(true);
    const prices = samples(body.items).map((p) => p.price);
    const expected = sampleProducts
      .map((p) => p.price)
      .filter((price) => price >= 100 && price <= 500)
      .sort((a, b) => a - b);
    expect(prices).toEqual(expected);
    const { body: descending } = await products('?sort=-price&limit=3');
    expect(descending.items.map((p) => p.price)).toEqual([2499.99, 1299.99, 999.99]);
    const { body: alias } = await products('?sort=price_desc&limit=1');
    expect(alias.items[0]?.id).toBe('prod-laptop-002');
  });

  it('combines category, price filter and name sort across pages', async () => {
    const { items } = await allPages('?category=audio&maxPrice=200&sort=name&limit=1');
    expect(samples(items).map((p) => p.id)).toEqual(['prod-speaker-001']);
    const { items: all } = await allPages('?minPrice=60&sort=-name&limit=4');
    const expected = sampleProducts
      .filter((p) => p.price >= 60)
      .map((p) => p.name)
      .sort((a, b) => b.toLowerCase().localeCompare(a.toLowerCase()));
    expect(samples(all).map((p) => p.name)).toEqual(expected);
  });

  it.each([
    ['limit=0', 'limit'],
    ['limit=101', 'limit'],
    ['limit=ten', 'limit'],
    ['minPrice=-1', 'minPrice'],
    ['minPrice=abc', 'minPrice'],
    ['maxPrice=1.999', 'maxPrice'],
    ['minPrice=500&maxPrice=100', 'minPrice'],
    ['sort=popularity', 'sort'],
    ['category=', 'category'],
  ])('rejects %s with 400 VALIDATION_ERROR naming the field', async (query, field) => {
    const { status, body, headers } = await call<ErrorBody>(`/api/v1/products?${query}`);
    expect(status).toBe(400);
    expect(headers.get('x-content-type-options')).toBe('nosniff');
    expect(body.error.code).toBe('VALIDATION_ERROR');
    expect(body.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ path: field })]));
  });

  it('rejects a forged cursor and a cursor of another query with 400 INVALID_CURSOR', async () => {
    const forged = await call<ErrorBody>('/api/v1/products?cursor=not-a-cursor');
    expect(forged.status).toBe(400);
    expect(forged.body.error.code).toBe('INVALID_CURSOR');
    const { body } = await products('?limit=2&sort=price');
    expect(body.nextCursor).not.toBeNull();
    const reused = await call<ErrorBody>(`/api/v1/products?limit=2&sort=name&cursor=${body.nextCursor}`);
    expect(reused.status).toBe(400);
    expect(reused.body.error.code).toBe('INVALID_CURSOR');
    const tampered = Buffer.from(JSON.stringify({ k: { pk: { S: 'x' } }, q: 'x' })).toString('base64url');
    expect((await call(`/api/v1/products?cursor=${tampered}`)).status).toBe(400);
  });
});

describe('GET /api/v1/products/{id}', () => {
  it('returns the product', async () => {
    const { status, body } = await call<Product>('/api/v1/products/prod-laptop-001');
    expect(status).toBe(200);
    expect(body).toMatchObject({
      sku: 'LAPTOP-001',
      name: 'Premium Ultrabook Pro 15',
      price: 1299.99,
      brand: 'TechPro',
    });
    expect(body.images.length).toBeGreaterThan(0);
  });

  it('answers 404 PRODUCT_NOT_FOUND for an unknown id and 400 for a malformed one', async () => {
    const missing = await call<ErrorBody>('/api/v1/products/prod-none-999');
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('PRODUCT_NOT_FOUND');
    expect(missing.headers.get('x-content-type-options')).toBe('nosniff');
    const malformed = await call<ErrorBody>(`/api/v1/products/${encodeURIComponent('bad id!')}`);
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.code).toBe('VALIDATION_ERROR');
  });
});

describe('GET /api/v1/categories', () => {
  it('lists the 5 sample categories', async () => {
    const { status, body } = await call<Page<{ id: string; name: string }>>('/api/v1/categories');
    expect(status).toBe(200);
    expect(body.items.map((c) => c.name)).toEqual(
      expect.arrayContaining(['Audio', 'Computers', 'Electronics', 'Gaming', 'Peripherals']),
    );
    expect(body.nextCursor).toBeNull();
  });
});

describe('the gateway', () => {
  it('answers an unknown route with 404 JSON and a wrong method with 405 JSON and Allow', async () => {
    const unknown = await call<ErrorBody>('/api/v1/nothing-here');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('NOT_FOUND');
    const wrongMethod = await call<ErrorBody>('/api/v1/categories', { method: 'DELETE' });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.body.error.code).toBe('METHOD_NOT_ALLOWED');
    expect(wrongMethod.headers.get('allow')).toBe('GET, POST, PUT');
    expect(wrongMethod.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('sends security headers and the request and correlation ids', async () => {
    const { headers } = await call('/api/v1/categories', { headers: { 'X-Correlation-Id': 'trace-123' } });
    expect(headers.get('strict-transport-security')).toContain('max-age=');
    expect(headers.get('x-frame-options')).toBe('DENY');
    expect(headers.get('x-correlation-id')).toBe('trace-123');
    expect(headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});
