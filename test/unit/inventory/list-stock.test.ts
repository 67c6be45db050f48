import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type InventoryStore, inventoryStore } from '../../../functions/inventory/store';
import { BadRequestError } from '../../../functions/shared/errors';
import { type LocalTables, startLocalDynamo } from '../support/dynamo-local';

// The real store against DynamoDB Local: the scan, its filter and its paging are DynamoDB's.
let local: LocalTables;
let store: InventoryStore;
const available: Record<string, number> = {};

beforeAll(async () => {
  local = await startLocalDynamo();
  store = inventoryStore(local.client);
  const now = new Date('2026-03-01T10:00:00Z');
  for (let i = 0; i < 25; i++) {
    const sku = `SKU-${i}-${randomUUID().slice(0, 8)}`;
    available[sku] = i;
    await store.createStockIfAbsent(sku, i, now);
  }
  // Reservations share the table (and the SKU's partition): a listing must not show them.
  const [first, second] = Object.keys(available).filter((sku) => (available[sku] ?? 0) >= 10);
  await store.reserve(`ord-${randomUUID()}`, [{ sku: first as string, quantity: 2 }], { now, lowThreshold: 5 });
  await store.reserve(`ord-${randomUUID()}`, [{ sku: second as string, quantity: 1 }], { now, lowThreshold: 5 });
  available[first as string] = (available[first as string] ?? 0) - 2;
  available[second as string] = (available[second as string] ?? 0) - 1;
}, 60_000);

afterAll(async () => {
  await local?.stop();
});

const everyPage = async (below: number | undefined, limit: number) => {
  const seen: { sku: string; available: number; reserved: number }[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await store.listStock({ limit, ...(below !== undefined && { below }), ...(cursor && { cursor }) });
    expect(page.items.length).toBeLessThanOrEqual(limit);
    seen.push(...page.items);
    cursor = page.nextCursor ?? undefined;
    pages++;
  } while (cursor);
  return { seen, pages };
};

describe('the stock listing', () => {
  it('lists every stock record once, across pages, and no reservation', async () => {
    const { seen, pages } = await everyPage(undefined, 4);
    expect(pages).toBe(Math.ceil(25 / 4));
    expect(seen.map((s) => s.sku).sort()).toEqual(Object.keys(available).sort());
    for (const stock of seen) expect(stock.available, stock.sku).toBe(available[stock.sku]);
    expect(seen.reduce((sum, s) => sum + s.reserved, 0)).toBe(3);
  });

  it('keeps only the SKUs below `below`, and its last page has no cursor', async () => {
    const { seen } = await everyPage(5, 2);
    expect(seen.map((s) => s.available).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4]);
    const all = await store.listStock({ below: 5, limit: 5 });
    expect(all.items).toHaveLength(5);
    expect(all.nextCursor).toBeNull();
  });

  it('refuses a cursor of another filter', async () => {
    const first = await store.listStock({ below: 20, limit: 1 });
    expect(first.nextCursor).not.toBeNull();
    await expect(store.listStock({ below: 5, limit: 1, cursor: first.nextCursor as string })).rejects.toThrow(
      BadRequestError,
    );
    await expect(store.listStock({ limit: 1, cursor: 'not-a-cursor' })).rejects.toThrow(BadRequestError);
  });
});
