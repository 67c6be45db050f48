import { describe, expect, it } from 'vitest';
import {
  CategoryRenameError,
  ProductChangedError,
  ProductNotFoundError,
  SkuTakenError,
  UnknownCategoryError,
} from '../../../functions/catalog/errors';
import {
  type CatalogWriteDeps,
  createCategory,
  createProduct,
  deleteProduct,
  updateCategory,
  updateProduct,
} from '../../../functions/catalog/service';
import type { DomainEvent } from '../../../functions/shared/events';
import { memoryCatalogStore, product } from './fake-store';

const audio = { id: 'audio', name: 'Audio', description: '' };

const setup = () => {
  const store = memoryCatalogStore(
    [product({ id: 'p-1', sku: 'SKU-1', updatedAt: '2026-01-01T00:00:00.000Z' })],
    [audio],
  );
  const events: DomainEvent[] = [];
  let tick = 0;
  const deps: CatalogWriteDeps = {
    store,
    // The item is opaque to the catalog: a recognisable stand-in shows it went into the product's transaction.
    stock: { createStockIfAbsentItem: (sku, available) => ({ Put: { TableName: 'stock', Item: { sku, available } } }) },
    publish: async (...published) => {
      events.push(...published);
    },
    now: () => new Date(Date.UTC(2026, 1, 1, 0, 0, tick++)),
    newId: () => `p-new-${tick}`,
  };
  const stock = () => store.alsoWritten.map((write) => `${write.Put?.Item?.sku}:${write.Put?.Item?.available}`);
  return { deps, store, events, stock };
};

const input = {
  sku: 'NEW-1',
  name: 'Desk Lamp',
  description: '',
  price: 19.99,
  category: 'audio',
  brand: 'Lumen',
  images: [],
  attributes: {},
};

describe('catalog admin use cases', () => {
  it('creates a product in cents under the category name, with empty stock and a ProductChanged event', async () => {
    const { deps, store, events, stock } = setup();
    const created = await createProduct(deps, input, 'corr-1');
    expect(created).toMatchObject({ sku: 'NEW-1', price: 19.99, category: 'Audio', currency: 'USD' });
    expect((await store.getProduct(created.id))?.priceCents).toBe(1999);
    expect(stock()).toEqual(['NEW-1:0']);
    expect(store.marks.size).toBe(0);
    expect(events).toEqual([
      {
        context: 'catalog',
        detailType: 'ProductChanged',
        version: 1,
        correlationId: 'corr-1',
        data: { productId: created.id, change: 'created' },
      },
    ]);
  });

  it('refuses an unknown category or a taken SKU before any stock or event', async () => {
    const { deps, events, stock } = setup();
    await expect(createProduct(deps, { ...input, category: 'Garden' }, 'c')).rejects.toBeInstanceOf(
      UnknownCategoryError,
    );
    await expect(createProduct(deps, { ...input, sku: 'SKU-1' }, 'c')).rejects.toBeInstanceOf(SkuTakenError);
    expect(stock()).toEqual([]);
    expect(events).toEqual([]);
  });

  it('answers a write whose event is published even if its mark cannot be cleared (the sweeper sends it again)', async () => {
    const { deps, store, events } = setup();
    store.clearChangeMark = async () => {
      throw new Error('DynamoDB is throttling');
    };
    const updated = await updateProduct(deps, 'p-1', { price: 7 }, 'c');
    expect(updated.price).toBe(7);
    expect(events.map((e) => e.data)).toEqual([{ productId: 'p-1', change: 'updated' }]);
    expect(store.marks.get('p-1')).toMatchObject({ change: 'updated', correlationId: 'c' });
  });

  it('updates given fields only, against the version it read', async () => {
    const { deps, store, events } = setup();
    const updated = await updateProduct(deps, 'p-1', { price: 5 }, 'c');
    expect(updated).toMatchObject({ id: 'p-1', sku: 'SKU-1', price: 5, name: 'p-1' });
    expect(events.map((e) => e.data)).toEqual([{ productId: 'p-1', change: 'updated' }]);
    // A write between our read and our write is a conflict, not a silent overwrite.
    const current = await store.getProduct('p-1');
    if (!current) throw new Error('p-1 is gone');
    const stale = { ...current, name: 'stale' };
    const mark = { id: 'm', at: stale.updatedAt, change: 'updated' as const, correlationId: 'c' };
    await expect(store.replaceProduct(stale, '2026-01-01T00:00:00.000Z', mark)).rejects.toBeInstanceOf(
      ProductChangedError,
    );
  });

  it('soft-deletes: gone for reads and updates, once', async () => {
    const { deps, store, events } = setup();
    await deleteProduct(deps, 'p-1', 'c');
    expect((await store.getProduct('p-1'))?.deletedAt).toBeDefined();
    await expect(updateProduct(deps, 'p-1', { price: 1 }, 'c')).rejects.toBeInstanceOf(ProductNotFoundError);
    await expect(deleteProduct(deps, 'p-1', 'c')).rejects.toBeInstanceOf(ProductNotFoundError);
    expect(events.map((e) => e.data)).toEqual([{ productId: 'p-1', change: 'deleted' }]);
  });

  it('names a new category by its slug and allows renames that keep it', async () => {
    const { deps } = setup();
    expect(await createCategory(deps, { name: 'Home Office', description: '' })).toEqual({
      id: 'home-office',
      name: 'Home Office',
      description: '',
    });
    expect(await updateCategory(deps, 'home-office', { name: 'HOME  office' })).toMatchObject({ name: 'HOME  office' });
    await expect(updateCategory(deps, 'home-office', { name: 'Study' })).rejects.toBeInstanceOf(CategoryRenameError);
  });
});
