import { describe, expect, it } from 'vitest';
import { ProductNotFoundError } from '../../../functions/catalog/errors';
import { ListProductsQuery } from '../../../functions/catalog/schemas';
import { seedCatalog } from '../../../functions/catalog/seed';
import { getProduct, listProducts, parseSort } from '../../../functions/catalog/service';
import { categoryIdOf } from '../../../functions/catalog/store';
import { BadRequestError, ValidationError } from '../../../functions/shared/errors';
import { parse } from '../../../functions/shared/validation';
import { memoryCatalogStore, product } from './fake-store';

const store = memoryCatalogStore([
  product({ id: 'a', name: 'Alpha', priceCents: 129_999, category: 'Computers' }),
  product({ id: 'b', name: 'beta', priceCents: 1_050 }),
  product({ id: 'c', name: 'Gamma', priceCents: 5_000, deletedAt: '2026-02-01T00:00:00.000Z' }),
  product({ id: 'd', name: 'Delta', priceCents: 10, currency: 'EUR' }),
]);

const query = (raw: Record<string, string>) => parse(ListProductsQuery, raw, 'query');

describe('parseSort', () => {
  it.each([
    [undefined, 'name', false],
    ['name', 'name', false],
    ['-name', 'name', true],
    ['price', 'price', false],
    ['-price', 'price', true],
    ['price_asc', 'price', false],
    ['price_desc', 'price', true],
    ['name_desc', 'name', true],
  ] as const)('%s -> %s descending=%s', (sort, sortBy, descending) => {
    expect(parseSort(sort)).toEqual({ sortBy, descending });
  });
});

describe('ListProductsQuery', () => {
  it('converts well-formed numbers and rejects the rest', () => {
    expect(query({ limit: '5', minPrice: '10.5', maxPrice: '99' })).toMatchObject({
      limit: 5,
      minPrice: 10.5,
      maxPrice: 99,
    });
    const bads: Record<string, string>[] = [
      { limit: '0' },
      { limit: '1e2' },
      { minPrice: '1.234' },
      { maxPrice: '-3' },
      { sort: 'x' },
    ];
    for (const bad of bads) {
      expect(() => query(bad)).toThrow(ValidationError);
    }
  });

  it('rejects a minimum above the maximum', () => {
    expect(() => query({ minPrice: '10', maxPrice: '9.99' })).toThrow(ValidationError);
  });
});

describe('listProducts', () => {
  it('shows money in major units and hides withdrawn products', async () => {
    const page = await listProducts(store, query({ sort: 'price' }));
    expect(page.items.map((p) => [p.id, p.price])).toEqual([
      ['d', 0.1],
      ['b', 10.5],
      ['a', 1299.99],
    ]);
    expect(page.nextCursor).toBeNull();
  });

  it('turns price filters into cents', async () => {
    const page = await listProducts(store, query({ minPrice: '10.50', maxPrice: '10.50' }));
    expect(page.items.map((p) => p.id)).toEqual(['b']);
  });

  it('continues with a cursor only for the same query', async () => {
    const first = await listProducts(store, query({ limit: '2' }));
    expect(first.items.map((p) => p.id)).toEqual(['a', 'b']);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = await listProducts(store, query({ limit: '2', cursor: first.nextCursor as string }));
    expect(second.items.map((p) => p.id)).toEqual(['d']);
    await expect(
      listProducts(store, query({ limit: '2', sort: '-name', cursor: first.nextCursor as string })),
    ).rejects.toThrow(BadRequestError);
  });

  it('matches a category by its name or id', async () => {
    expect(categoryIdOf(' Home & Garden ')).toBe('home-garden');
    const page = await listProducts(store, query({ category: 'COMPUTERS' }));
    expect(page.items.map((p) => p.id)).toEqual(['a']);
  });
});

describe('getProduct', () => {
  it('finds a live product and treats a withdrawn one as missing', async () => {
    expect((await getProduct(store, 'a')).price).toBe(1299.99);
    await expect(getProduct(store, 'c')).rejects.toThrow(ProductNotFoundError);
    await expect(getProduct(store, 'zzz')).rejects.toThrow(ProductNotFoundError);
  });
});

describe('seedCatalog', () => {
  it('creates the sample catalog once and leaves it alone on a second run', async () => {
    const empty = memoryCatalogStore();
    const first = await seedCatalog(empty);
    expect(first.created).toBe(17);
    const laptop = await empty.getProduct('prod-laptop-001');
    expect(laptop).toMatchObject({ sku: 'LAPTOP-001', priceCents: 129_999, currency: 'USD' });
    const second = await seedCatalog(empty);
    expect(second.created).toBe(0);
    expect(await empty.listCategories()).toHaveLength(5);
  });
});
