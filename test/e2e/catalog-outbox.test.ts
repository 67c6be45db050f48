import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Product } from '../../functions/catalog/schemas';
import type { CatalogStore } from '../../functions/catalog/store';
import { eventually } from './fixtures';
import { call, loginAdmin } from './http';
import { functionEnvironment } from './target';

let admin: string;
let store: CatalogStore;

beforeAll(async () => {
  // Before the store loads: its client and config read these.
  Object.assign(process.env, functionEnvironment());
  const [token, { dynamoCatalogStore }] = await Promise.all([loginAdmin(), import('../../functions/catalog/store')]);
  admin = token;
  store = dynamoCatalogStore();
});

const searchBrand = async (brand: string) =>
  (await call<{ items: { id: string }[] }>(`/api/v1/search?brand=${encodeURIComponent(brand)}`)).body.items.map(
    (item) => item.id,
  );

describe('the ProductChanged outbox', () => {
  it('delivers a change whose event was lost after its write: the scheduled sweeper publishes it', async () => {
    const brand = `Outbox ${randomUUID().slice(0, 8)}`;
    const created = await call<Product>('/api/v1/products', {
      method: 'POST',
      token: admin,
      json: { sku: `OUTBOX-${randomUUID().slice(0, 8)}`, name: 'Outbox Lamp', price: 25, category: 'Audio', brand },
    });
    expect(created.status).toBe(201);
    const id = created.body.id;
    await eventually(async () => (await searchBrand(brand)).includes(id));

    // A write that committed with its mark, then lost its publish (the process died): no event went out.
    const current = await store.getProduct(id);
    if (!current) throw new Error(`${id} is gone`);
    const lostAt = new Date(Date.now() - 5 * 60_000).toISOString();
    const renamed = `${brand} Renamed`;
    await store.replaceProduct({ ...current, brand: renamed, updatedAt: lostAt }, current.updatedAt, {
      id: randomUUID(),
      at: lostAt,
      change: 'updated',
      correlationId: `lost-${id}`,
    });
    expect(await searchBrand(renamed)).toEqual([]);

    // The sandbox runs the schedule every few seconds (SANDBOX_SCHEDULE_SECONDS), AWS every minute.
    await eventually(async () => (await searchBrand(renamed)).includes(id), 150_000);
    expect(await searchBrand(brand)).toEqual([]);
    await eventually(async () => {
      const { items } = await store.pendingChanges({ before: '9999', limit: 1000 });
      return !items.some((item) => item.productId === id);
    }, 30_000);
  }, 200_000);
});
