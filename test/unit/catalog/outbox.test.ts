import { randomUUID } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SkuTakenError } from '../../../functions/catalog/errors';
import {
  type CatalogWriteDeps,
  CHANGE_GRACE_MS,
  createProduct,
  deleteProduct,
  republishPendingChanges,
  updateProduct,
} from '../../../functions/catalog/service';
import { type CatalogStore, dynamoCatalogStore, type ProductRecord } from '../../../functions/catalog/store';
import { createStockIfAbsentItem, type InventoryStore, inventoryStore } from '../../../functions/inventory/store';
import { tableName } from '../../../functions/shared/config';
import { type DomainEvent, PublishError } from '../../../functions/shared/events';
import { type LocalTables, startLocalDynamo } from '../support/dynamo-local';

// The real stores against DynamoDB Local: the transaction, the conditions and the sparse index are DynamoDB's.
let local: LocalTables;
let store: CatalogStore;
let stock: InventoryStore;

beforeAll(async () => {
  local = await startLocalDynamo();
  store = dynamoCatalogStore(local.client);
  stock = inventoryStore(local.client);
  await store.putCategoryIfAbsent({ id: 'audio', name: 'Audio', description: '' });
}, 60_000);

afterAll(async () => {
  await local?.stop();
});

const T0 = new Date('2026-03-01T10:00:00.000Z');
const at = (ms: number) => new Date(T0.getTime() + ms);

/** The catalog's write deps on the real stores; `publish` records what it is given, or fails when told to. */
const writer = ({ now = T0, failPublish = false } = {}) => {
  const published: DomainEvent[] = [];
  const deps: CatalogWriteDeps = {
    store,
    stock: { createStockIfAbsentItem },
    publish: async (...events) => {
      if (failPublish) throw new PublishError('EventBridge is unreachable');
      published.push(...events);
    },
    now: () => now,
  };
  return { deps, published };
};

/** The sweeper's deps at `now`, recording each PutEvents batch it would send. */
const sweeper = (now: Date, onPublish?: (events: DomainEvent[]) => Promise<void>) => {
  const batches: DomainEvent[][] = [];
  const deps = {
    store,
    now: () => now,
    publish: async (...events: DomainEvent[]) => {
      batches.push(events);
      await onPublish?.(events);
    },
  };
  return { deps, batches, published: () => batches.flat() };
};

const input = (sku = `SKU-${randomUUID().slice(0, 8)}`) => ({
  sku,
  name: 'Desk Lamp',
  description: 'Warm light',
  price: 19.99,
  category: 'audio',
  brand: 'Lumen',
  images: [],
  attributes: {},
});

const rawItem = async (table: 'catalog' | 'inventory', pk: string, sk: string) =>
  (await local.client.send(new GetCommand({ TableName: tableName(table), Key: { pk, sk }, ConsistentRead: true })))
    .Item;

/** The marks the outbox index holds for these products (any age). */
const pendingFor = async (...productIds: string[]) => {
  const { items } = await store.pendingChanges({ before: '9999', limit: 1000 });
  return items.filter((item) => productIds.includes(item.productId));
};

const changesOf = (events: DomainEvent[], productId: string) =>
  events.filter((event) => event.data.productId === productId).map((event) => event.data.change);

describe('creating a product', () => {
  it('writes product, SKU guard and an empty stock record together, publishes, and leaves no mark', async () => {
    const { deps, published } = writer();
    const created = await createProduct(deps, input(), 'corr-create');

    expect(await store.getProduct(created.id)).toMatchObject({ id: created.id, sku: created.sku, priceCents: 1999 });
    expect(await rawItem('catalog', `SKU#${created.sku}`, 'SKU')).toMatchObject({ productId: created.id });
    expect(await stock.getStock(created.sku)).toEqual({
      sku: created.sku,
      available: 0,
      reserved: 0,
      sold: 0,
      updatedAt: T0.toISOString(),
    });
    expect(published).toEqual([
      {
        context: 'catalog',
        detailType: 'ProductChanged',
        version: 1,
        correlationId: 'corr-create',
        data: { productId: created.id, change: 'created' },
      },
    ]);
    expect(await pendingFor(created.id)).toEqual([]);
    const item = await rawItem('catalog', `PRODUCT#${created.id}`, 'PRODUCT');
    expect(Object.keys(item ?? {}).filter((name) => name.startsWith('outbox'))).toEqual([]);
  });

  it("keeps a SKU's existing stock record exactly as it is", async () => {
    const sku = `KEPT-${randomUUID().slice(0, 8)}`;
    await stock.setAvailable(sku, 7, at(-86_400_000));
    await stock.reserve('order-1', [{ sku, quantity: 2 }], { now: at(-3_600_000), lowThreshold: 1 });
    const before = await stock.getStock(sku);

    await createProduct(writer().deps, input(sku), 'c');

    expect(before).toMatchObject({ available: 5, reserved: 2 });
    expect(await stock.getStock(sku)).toEqual(before);
  });

  it('refuses a taken SKU with SkuTakenError, writing neither product nor stock record', async () => {
    const sku = `TAKEN-${randomUUID().slice(0, 8)}`;
    // A product loaded as sample data has its SKU guard but no stock record of ours.
    const holder: ProductRecord = {
      id: `prod-${randomUUID()}`,
      sku,
      name: 'Holder',
      description: '',
      priceCents: 100,
      currency: 'USD',
      category: 'Audio',
      brand: 'B',
      images: [],
      attributes: {},
      createdAt: T0.toISOString(),
      updatedAt: T0.toISOString(),
    };
    expect(await store.putProductIfAbsent(holder)).toBe(true);
    const { deps, published } = writer();
    const newId = `prod-${randomUUID()}`;
    deps.newId = () => newId;

    await expect(createProduct(deps, input(sku), 'c')).rejects.toBeInstanceOf(SkuTakenError);

    expect(await store.getProduct(newId)).toBeUndefined();
    expect(await stock.getStock(sku)).toBeUndefined();
    expect(await rawItem('catalog', `SKU#${sku}`, 'SKU')).toMatchObject({ productId: holder.id });
    expect(published).toEqual([]);
    expect(await pendingFor(newId)).toEqual([]);
  });
});

describe('the ProductChanged outbox', () => {
  it('keeps the mark when publishing fails (the call fails), and the sweeper publishes and clears it later', async () => {
    const failing = writer({ failPublish: true });
    const newId = `prod-${randomUUID()}`;
    failing.deps.newId = () => newId;

    await expect(createProduct(failing.deps, input(), 'corr-lost')).rejects.toBeInstanceOf(PublishError);

    // The write itself is complete: product, stock, and the mark that stands for the event.
    expect(await store.getProduct(newId)).toBeDefined();
    expect(await pendingFor(newId)).toEqual([
      {
        productId: newId,
        mark: { id: expect.any(String), at: T0.toISOString(), change: 'created', correlationId: 'corr-lost' },
      },
    ]);

    const sweep = sweeper(at(CHANGE_GRACE_MS + 1000));
    const result = await republishPendingChanges(sweep.deps);
    expect(sweep.published()).toContainEqual({
      context: 'catalog',
      detailType: 'ProductChanged',
      version: 1,
      correlationId: 'corr-lost',
      data: { productId: newId, change: 'created' },
    });
    expect(result.published).toBeGreaterThanOrEqual(1);
    expect(await pendingFor(newId)).toEqual([]);

    // Idempotent: a second run finds nothing of it left to publish.
    const again = sweeper(at(CHANGE_GRACE_MS + 2000));
    await republishPendingChanges(again.deps);
    expect(changesOf(again.published(), newId)).toEqual([]);
  });

  it('marks updates and soft deletes too, with their kind of change', async () => {
    const created = await createProduct(writer().deps, input(), 'c');
    const later = at(1000);

    await expect(
      updateProduct(writer({ now: later, failPublish: true }).deps, created.id, { price: 5 }, 'corr-update'),
    ).rejects.toBeInstanceOf(PublishError);
    expect((await pendingFor(created.id)).map((p) => [p.mark.change, p.mark.correlationId, p.mark.at])).toEqual([
      ['updated', 'corr-update', later.toISOString()],
    ]);
    // The mark is the table's, not the product's: a read-modify-write does not carry it along.
    expect(Object.keys((await store.getProduct(created.id)) ?? {}).some((k) => k.startsWith('outbox'))).toBe(false);

    await expect(
      deleteProduct(writer({ now: at(2000), failPublish: true }).deps, created.id, 'corr-delete'),
    ).rejects.toBeInstanceOf(PublishError);
    expect((await pendingFor(created.id)).map((p) => [p.mark.change, p.mark.correlationId])).toEqual([
      ['deleted', 'corr-delete'],
    ]);

    const sweep = sweeper(at(2000 + CHANGE_GRACE_MS + 1));
    await republishPendingChanges(sweep.deps);
    expect(changesOf(sweep.published(), created.id)).toEqual(['deleted']);
    expect(await pendingFor(created.id)).toEqual([]);
  });

  it('leaves a mark younger than the grace period alone', async () => {
    const failing = writer({ now: at(10_000), failPublish: true });
    const newId = `prod-${randomUUID()}`;
    failing.deps.newId = () => newId;
    await expect(createProduct(failing.deps, input(), 'c')).rejects.toBeInstanceOf(PublishError);

    const early = sweeper(at(10_000 + CHANGE_GRACE_MS - 1000));
    await republishPendingChanges(early.deps);
    expect(changesOf(early.published(), newId)).toEqual([]);
    expect(await pendingFor(newId)).toHaveLength(1);

    const late = sweeper(at(10_000 + CHANGE_GRACE_MS + 1000));
    await republishPendingChanges(late.deps);
    expect(changesOf(late.published(), newId)).toEqual(['created']);
  });

  it("never clears a newer write's mark: neither a request's late clear nor a sweep that raced the write", async () => {
    const created = await createProduct(writer().deps, input(), 'c');
    await expect(
      updateProduct(writer({ now: at(1000), failPublish: true }).deps, created.id, { name: 'First' }, 'c-1'),
    ).rejects.toBeInstanceOf(PublishError);
    const [first] = await pendingFor(created.id);
    if (!first) throw new Error('no mark');

    // While the sweeper publishes the first change, a second update lands (and its own publish fails).
    const sweep = sweeper(at(1000 + CHANGE_GRACE_MS + 1), async (events) => {
      if (changesOf(events, created.id).length === 0) return;
      await expect(
        updateProduct(writer({ now: at(2000), failPublish: true }).deps, created.id, { name: 'Second' }, 'c-2'),
      ).rejects.toBeInstanceOf(PublishError);
    });
    await republishPendingChanges(sweep.deps);
    expect(changesOf(sweep.published(), created.id)).toEqual(['updated']);

    const [second, ...others] = await pendingFor(created.id);
    expect(others).toEqual([]);
    expect(second?.mark).toMatchObject({ correlationId: 'c-2', at: at(2000).toISOString() });
    expect(second?.mark.id).not.toBe(first.mark.id);
    // The first request's own clear, arriving late, does nothing either.
    expect(await store.clearChangeMark(created.id, first.mark.id)).toBe(false);
    expect(await pendingFor(created.id)).toEqual([second]);
  });

  it('publishes many marks at most 10 events per PutEvents', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) {
      const failing = writer({ now: at(20_000 + i), failPublish: true });
      const id = `prod-${randomUUID()}`;
      failing.deps.newId = () => id;
      ids.push(id);
      await expect(createProduct(failing.deps, input(), 'bulk')).rejects.toBeInstanceOf(PublishError);
    }

    const sweep = sweeper(at(20_000 + CHANGE_GRACE_MS + 1000));
    await republishPendingChanges(sweep.deps);

    expect(sweep.batches.length).toBeGreaterThanOrEqual(2);
    for (const batch of sweep.batches) expect(batch.length).toBeLessThanOrEqual(10);
    expect(sweep.published().filter((event) => ids.includes(String(event.data.productId)))).toHaveLength(12);
    expect(await pendingFor(...ids)).toEqual([]);
  });

  it('keeps every mark when the sweep cannot publish, for the next run', async () => {
    const failing = writer({ now: at(30_000), failPublish: true });
    const newId = `prod-${randomUUID()}`;
    failing.deps.newId = () => newId;
    await expect(createProduct(failing.deps, input(), 'c')).rejects.toBeInstanceOf(PublishError);

    const down = {
      store,
      now: () => at(30_000 + CHANGE_GRACE_MS + 1),
      publish: async () => {
        throw new PublishError('still down');
      },
    };
    await expect(republishPendingChanges(down)).rejects.toBeInstanceOf(PublishError);
    expect(await pendingFor(newId)).toHaveLength(1);
  });
});
