import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Category, Product } from '../../functions/catalog/schemas';
import { call, type ErrorBody, loginAdmin, registerCustomer } from './http';

let admin: string;
let customer: string;

beforeAll(async () => {
  [admin, customer] = await Promise.all([loginAdmin(), registerCustomer().then((signedIn) => signedIn.token)]);
});

const uniqueSku = () => `E2E-${randomUUID().slice(0, 8)}`;

const newProduct = (overrides: Record<string, unknown> = {}) => ({
  sku: uniqueSku(),
  name: `Studio Monitor Speakers ${randomUUID().slice(0, 6)}`,
  description: 'A pair of active studio monitors.',
  price: 349.5,
  category: 'Audio',
  brand: 'E2E Acoustics',
  ...overrides,
});

const createProduct = async (body: Record<string, unknown> = newProduct()) => {
  const reply = await call<Product>('/api/v1/products', { method: 'POST', token: admin, json: body });
  if (reply.status !== 201) throw new Error(`create failed: ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body;
};

describe('admin routes refuse others', () => {
  const routes: [string, string, unknown][] = [
    ['POST', '/api/v1/products', newProduct()],
    ['PUT', '/api/v1/products/prod-laptop-001', { price: 1 }],
    ['DELETE', '/api/v1/products/prod-laptop-001', undefined],
    ['POST', '/api/v1/categories', { name: 'Cameras' }],
    ['PUT', '/api/v1/categories', { name: 'Audio', description: 'x' }],
    ['PUT', '/api/v1/categories/audio', { description: 'x' }],
  ];

  it.each(routes)('%s %s: 403 for a customer, 401 without a token', async (method, path, json) => {
    const asCustomer = await call<ErrorBody>(path, { method, token: customer, json });
    expect(asCustomer.status).toBe(403);
    const anonymous = await call<ErrorBody>(path, { method, json });
    expect(anonymous.status).toBe(401);
    // Nothing changed: the sample laptop is still there at its price.
    const laptop = await call<Product>('/api/v1/products/prod-laptop-001');
    expect(laptop.body.price).toBe(1299.99);
  });
});

describe('POST /api/v1/products', () => {
  it('creates a product with its stock record, listed and readable', async () => {
    const body = newProduct({ category: 'audio', attributes: { channels: 2, powered: true } });
    const product = await createProduct(body);
    expect(product).toMatchObject({
      sku: body.sku,
      name: body.name,
      price: 349.5,
      currency: 'USD',
      category: 'Audio', // the category's own name, whatever spelling named it
      attributes: { channels: 2, powered: true },
      images: [],
    });
    expect(product.id).toMatch(/^prod-/);

    const read = await call<Product>(`/api/v1/products/${product.id}`);
    expect(read.status).toBe(200);
    expect(read.body).toEqual(product);

    const stock = await call<{ sku: string; available: number }>(`/api/v1/inventory/${body.sku}`);
    expect(stock.status).toBe(200);
    expect(stock.body).toMatchObject({ sku: body.sku, available: 0 });

    const listing = await call<{ items: Product[] }>('/api/v1/products?category=Audio&limit=100');
    expect(listing.body.items.map((item) => item.id)).toContain(product.id);
  });

  it('refuses a SKU already in use, by a sample product or a new one (409), and writes nothing', async () => {
    const taken = await call<ErrorBody>('/api/v1/products', {
      method: 'POST',
      token: admin,
      json: newProduct({ sku: 'LAPTOP-001' }),
    });
    expect(taken.status).toBe(409);
    expect(taken.body.error.code).toBe('SKU_TAKEN');

    const first = await createProduct();
    const name = `Duplicate ${randomUUID()}`;
    const again = await call<ErrorBody>('/api/v1/products', {
      method: 'POST',
      token: admin,
      json: newProduct({ sku: first.sku, name }),
    });
    expect(again.status).toBe(409);
    const listing = await call<{ items: Product[] }>('/api/v1/products?category=Audio&limit=100');
    expect(listing.body.items.map((item) => item.name)).not.toContain(name);
  });

  it('refuses concurrent creations of one SKU but one', async () => {
    const sku = uniqueSku();
    const replies = await Promise.all(
      Array.from({ length: 5 }, () =>
        call('/api/v1/products', { method: 'POST', token: admin, json: newProduct({ sku }) }),
      ),
    );
    expect(replies.map((reply) => reply.status).sort()).toEqual([201, 409, 409, 409, 409]);
  });

  it('refuses an unknown category with 422', async () => {
    const reply = await call<ErrorBody>('/api/v1/products', {
      method: 'POST',
      token: admin,
      json: newProduct({ category: 'Garden Furniture' }),
    });
    expect(reply.status).toBe(422);
    expect(reply.body.error.code).toBe('UNKNOWN_CATEGORY');
  });

  it.each([
    ['a zero price', { price: 0 }, 'price'],
    ['a negative price', { price: -5 }, 'price'],
    ['three decimals', { price: 9.999 }, 'price'],
    ['a price as text', { price: '10' }, 'price'],
    ['a SKU with spaces', { sku: 'BAD SKU' }, 'sku'],
    ['a SKU over 64 characters', { sku: `A${'b'.repeat(64)}` }, 'sku'],
    ['an empty name', { name: '   ' }, 'name'],
    ['a name over 200 characters', { name: 'n'.repeat(201) }, 'name'],
    ['a description over 5000 characters', { description: 'd'.repeat(5001) }, 'description'],
    ['an unknown field', { stock: 5 }, ''],
    ['an image that is no URL', { images: ['javascript:alert(1)'] }, 'images.0'],
  ])('refuses %s with 400', async (_what, overrides, path) => {
    const reply = await call<ErrorBody>('/api/v1/products', {
      method: 'POST',
      token: admin,
      json: newProduct(overrides),
    });
    expect(reply.status).toBe(400);
    expect(reply.body.error.code).toBe('VALIDATION_ERROR');
    expect(reply.body.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ path })]));
  });

  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf'])(
    'refuses an attribute named %s with 400 naming it (never a 500), and writes nothing',
    async (name) => {
      const product = newProduct();
      // Raw JSON: an object literal would take `__proto__` for its prototype.
      const body = `${JSON.stringify({ ...product, attributes: { color: 'red' } }).slice(0, -2)},"${name}":"x"}}`;
      const reply = await call<ErrorBody>('/api/v1/products', {
        method: 'POST',
        token: admin,
        headers: { 'Content-Type': 'application/json' },
        body,
      });
      expect(reply.status, JSON.stringify(reply.body)).toBe(400);
      expect(reply.body.error.code).toBe('VALIDATION_ERROR');
      expect(reply.body.error.details).toEqual([{ path: 'attributes', message: expect.stringMatching(/reserved/) }]);
      // Nothing half-written: the SKU is still free, and its stock record was not created.
      expect((await call(`/api/v1/inventory/${product.sku}`, { token: admin })).status).toBe(404);
      const created = await createProduct({ ...product, attributes: { color: 'red', constructorName: 'x' } });
      expect(created.attributes).toEqual({ color: 'red', constructorName: 'x' });

      const update = await call<ErrorBody>(`/api/v1/products/${created.id}`, {
        method: 'PUT',
        token: admin,
        headers: { 'Content-Type': 'application/json' },
        body: `{"price":1,"attributes":{"${name}":"x"}}`,
      });
      expect(update.status, JSON.stringify(update.body)).toBe(400);
      const read = await call<Product>(`/api/v1/products/${created.id}`);
      expect(read.body).toMatchObject({ price: created.price, attributes: { color: 'red', constructorName: 'x' } });
    },
  );

  it('records the call in the audit log', async () => {
    const product = await createProduct();
    const audit = await call<{ items: { type: string; detail: Record<string, unknown> }[] }>(
      '/api/v1/admin/audit?type=admin.operation&limit=100',
      { token: admin },
    );
    expect(audit.status).toBe(200);
    expect(audit.body.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          detail: expect.objectContaining({ method: 'POST', route: '/api/v1/products', status: 201 }),
        }),
      ]),
    );
    expect(product.id).toBeTruthy();
  });
});

describe('PUT /api/v1/products/{id}', () => {
  it('changes the given fields and keeps the rest', async () => {
    const product = await createProduct();
    const reply = await call<Product>(`/api/v1/products/${product.id}`, {
      method: 'PUT',
      token: admin,
      json: { price: 299.99, category: 'Electronics' },
    });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      id: product.id,
      sku: product.sku,
      name: product.name,
      price: 299.99,
      category: 'Electronics',
    });
    expect(reply.body.updatedAt > product.updatedAt).toBe(true);
    const listing = await call<{ items: Product[] }>('/api/v1/products?category=Electronics&limit=100');
    expect(listing.body.items.find((item) => item.id === product.id)?.price).toBe(299.99);
  });

  it('refuses a SKU change, an empty body and an unknown product', async () => {
    const product = await createProduct();
    const sku = await call<ErrorBody>(`/api/v1/products/${product.id}`, {
      method: 'PUT',
      token: admin,
      json: { sku: 'X-1' },
    });
    expect(sku.status).toBe(400);
    const empty = await call<ErrorBody>(`/api/v1/products/${product.id}`, { method: 'PUT', token: admin, json: {} });
    expect(empty.status).toBe(400);
    const missing = await call<ErrorBody>('/api/v1/products/prod-missing-0', {
      method: 'PUT',
      token: admin,
      json: { price: 1 },
    });
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('PRODUCT_NOT_FOUND');
  });
});

describe('DELETE /api/v1/products/{id}', () => {
  it('hides the product from reads and listings; a second delete is 404', async () => {
    const product = await createProduct();
    const deleted = await call(`/api/v1/products/${product.id}`, { method: 'DELETE', token: admin });
    expect(deleted.status).toBe(204);
    expect((await call(`/api/v1/products/${product.id}`)).status).toBe(404);
    const listing = await call<{ items: Product[] }>('/api/v1/products?category=Audio&limit=100');
    expect(listing.body.items.map((item) => item.id)).not.toContain(product.id);
    const again = await call<ErrorBody>(`/api/v1/products/${product.id}`, { method: 'DELETE', token: admin });
    expect(again.status).toBe(404);
    const update = await call<ErrorBody>(`/api/v1/products/${product.id}`, {
      method: 'PUT',
      token: admin,
      json: { price: 5 },
    });
    expect(update.status).toBe(404);
    // The SKU stays taken: past orders and the stock record still refer to it.
    const reuse = await call<ErrorBody>('/api/v1/products', {
      method: 'POST',
      token: admin,
      json: newProduct({ sku: product.sku }),
    });
    expect(reuse.status).toBe(409);
  });
});

describe('categories', () => {
  it('creates a category products can then be filed under; a second with that name is 409', async () => {
    const name = `Cameras ${randomUUID().slice(0, 8)}`;
    const created = await call<Category>('/api/v1/categories', {
      method: 'POST',
      token: admin,
      json: { name, description: 'Still and video cameras' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: name.toLowerCase().replace(' ', '-'),
      name,
      description: 'Still and video cameras',
    });
    const categories = await call<{ items: Category[] }>('/api/v1/categories');
    expect(categories.body.items).toContainEqual(created.body);

    const product = await createProduct(newProduct({ category: name }));
    expect(product.category).toBe(name);

    const duplicate = await call<ErrorBody>('/api/v1/categories', {
      method: 'POST',
      token: admin,
      json: { name: name.toUpperCase() },
    });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.error.code).toBe('CATEGORY_EXISTS');
  });

  it('updates a description, refuses a rename that changes the id (422) and an unknown id (404)', async () => {
    const name = `Drones ${randomUUID().slice(0, 8)}`;
    const { body: category } = await call<Category>('/api/v1/categories', {
      method: 'POST',
      token: admin,
      json: { name },
    });
    const updated = await call<Category>(`/api/v1/categories/${category.id}`, {
      method: 'PUT',
      token: admin,
      json: { description: 'Flying cameras', name: name.toUpperCase() },
    });
    expect(updated.status).toBe(200);
    expect(updated.body).toEqual({ id: category.id, name: name.toUpperCase(), description: 'Flying cameras' });
    const rename = await call<ErrorBody>(`/api/v1/categories/${category.id}`, {
      method: 'PUT',
      token: admin,
      json: { name: 'Something Else' },
    });
    expect(rename.status).toBe(422);
    const missing = await call<ErrorBody>('/api/v1/categories/no-such-category', {
      method: 'PUT',
      token: admin,
      json: { description: 'x' },
    });
    expect(missing.status).toBe(404);
    const bad = await call<ErrorBody>('/api/v1/categories', { method: 'POST', token: admin, json: { name: '' } });
    expect(bad.status).toBe(400);
  });

  it('pages a category exactly: a last full page has no cursor, on every listing index', async () => {
    const name = `Tripods ${randomUUID().slice(0, 8)}`;
    const { body: category } = await call<Category>('/api/v1/categories', {
      method: 'POST',
      token: admin,
      json: { name },
    });
    await Promise.all([10, 20, 30, 40].map((price) => createProduct(newProduct({ category: name, price }))));
    for (const query of ['', '&sort=price', '&sort=-name', '&minPrice=10&maxPrice=40', '&sort=price&minPrice=15']) {
      const pages: number[] = [];
      let cursor: string | null = null;
      do {
        const after: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
        const reply = await call<{ items: Product[]; nextCursor: string | null }>(
          `/api/v1/products?category=${category.id}&limit=2${query}${after}`,
        );
        expect(reply.status, query).toBe(200);
        pages.push(reply.body.items.length);
        cursor = reply.body.nextCursor;
      } while (cursor && pages.length < 5);
      expect(pages, query).toEqual(query.includes('minPrice=15') ? [2, 1] : [2, 2]);
    }
  });

  it('PUT on the collection creates the named category (201), then replaces it (200), idempotently', async () => {
    const name = `Lenses ${randomUUID().slice(0, 8)}`;
    const put = (json: unknown) =>
      call<Category & ErrorBody>('/api/v1/categories', { method: 'PUT', token: admin, json });
    const first = await put({ name, description: 'Glass' });
    expect(first.status).toBe(201);
    expect(first.body).toEqual({ id: name.toLowerCase().replace(' ', '-'), name, description: 'Glass' });
    const again = await put({ name: name.toUpperCase(), description: 'Camera glass' });
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ id: first.body.id, name: name.toUpperCase(), description: 'Camera glass' });
    expect((await put({ name: name.toUpperCase(), description: 'Camera glass' })).body).toEqual(again.body);
    const listed = (await call<{ items: Category[] }>('/api/v1/categories')).body.items;
    expect(listed.filter((category) => category.id === first.body.id)).toEqual([again.body]);
    for (const json of [{ description: 'no name' }, { name: '' }, { name, extra: 1 }]) {
      const bad = await put(json);
      expect(bad.status, JSON.stringify(json)).toBe(400);
      expect(bad.body.error.code).toBe('VALIDATION_ERROR');
    }
  });
});
