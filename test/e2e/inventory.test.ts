import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { busEvent, busSettled, eventually, journalEvents, sleep } from './fixtures';
import { awsClientConfig, call, type ErrorBody, loginAdmin, registerCustomer } from './http';
import { functionEnvironment, tableName } from './target';

const dynamo = DynamoDBDocumentClient.from(new DynamoDBClient(awsClientConfig()));
afterAll(() => dynamo.destroy());

interface Stock {
  sku: string;
  available: number;
  reserved: number;
}

interface Reservation {
  orderId: string;
  sku: string;
  quantity: number;
  status: string;
  createdAt: string;
  updatedAt: string;
}

interface StockItem {
  available: number;
  reserved: number;
  sold: number;
}

let adminToken: string;
beforeAll(async () => {
  adminToken = await loginAdmin();
});

const freshSku = () => `TEST-${randomUUID()}`;
const path = (sku: string, action = '') => `/api/v1/inventory/${sku}${action}`;

const putStock = async (sku: string, available: number) => {
  const reply = await call<Stock>(path(sku), { method: 'PUT', token: adminToken, json: { available } });
  if (reply.status !== 200) throw new Error(`set stock failed: ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body;
};
const reserve = (sku: string, orderId: string, quantity: number, headers: Record<string, string> = {}) =>
  call<Reservation & ErrorBody>(path(sku, '/reserve'), {
    method: 'POST',
    token: adminToken,
    json: { orderId, quantity },
    headers,
  });
const release = (sku: string, orderId: string) =>
  call<Reservation & ErrorBody>(path(sku, '/release'), { method: 'POST', token: adminToken, json: { orderId } });

/** The stock record as stored, sold included (the API does not show it). */
const stockItem = async (sku: string): Promise<StockItem> => {
  const { Item } = await dynamo.send(
    new GetCommand({
      TableName: tableName('inventory'),
      Key: { pk: `STOCK#${sku}`, sk: 'STOCK' },
      ConsistentRead: true,
    }),
  );
  if (!Item) throw new Error(`no stock record for ${sku}`);
  return { available: Item.available, reserved: Item.reserved, sold: Item.sold };
};
const reservationItem = async (sku: string, orderId: string) =>
  (
    await dynamo.send(
      new GetCommand({
        TableName: tableName('inventory'),
        Key: { pk: `STOCK#${sku}`, sk: `RES#${orderId}` },
        ConsistentRead: true,
      }),
    )
  ).Item;

/** InventoryLow events for a SKU in the event journal (every event on the bus is kept there). */
const inventoryLowEvents = (sku: string) =>
  journalEvents<{ correlationId?: string; detail: { sku: string; available: number; threshold: number } }>(
    dynamo,
    { expression: 'detailType = :type AND detail.sku = :sku', values: { ':type': 'InventoryLow', ':sku': sku } },
    [new Date(Date.now() - 60_000), new Date()],
  );

describe('GET /api/v1/inventory/{sku}', () => {
  it('shows sku, available and reserved of a sample SKU, to anyone', async () => {
    const { status, body } = await call<Stock>(path('LAPTOP-001'));
    expect(status).toBe(200);
    expect(Object.keys(body).sort()).toEqual(['available', 'reserved', 'sku']);
    expect(body.sku).toBe('LAPTOP-001');
    expect(Number.isInteger(body.available) && body.available >= 0).toBe(true);
    expect(Number.isInteger(body.reserved) && body.reserved >= 0).toBe(true);
  });

  it('is 404 STOCK_NOT_FOUND for an unknown SKU and 400 for a malformed one', async () => {
    const missing = await call<ErrorBody>(path(freshSku()));
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('STOCK_NOT_FOUND');
    for (const bad of ['A%23B', 'bad%20sku', `${'X'.repeat(65)}`, '-LEADING']) {
      const reply = await call<ErrorBody>(path(bad));
      expect(reply.status, bad).toBe(400);
      expect(reply.body.error.code).toBe('VALIDATION_ERROR');
    }
  });
});

describe('admin routes', () => {
  it('PUT sets available, creating the SKU, and keeps what is reserved', async () => {
    const sku = freshSku();
    const created = await call<Stock>(path(sku), { method: 'PUT', token: adminToken, json: { available: 10 } });
    expect(created.status).toBe(200);
    expect(created.body).toEqual({ sku, available: 10, reserved: 0 });
    expect((await call<Stock>(path(sku))).body).toEqual({ sku, available: 10, reserved: 0 });

    expect((await reserve(sku, `ord-${randomUUID()}`, 4)).status).toBe(201);
    expect(await putStock(sku, 25)).toEqual({ sku, available: 25, reserved: 4 });
    expect(await stockItem(sku)).toEqual({ available: 25, reserved: 4, sold: 0 });
  });

  it('PUT refuses bad bodies with 400 and changes nothing', async () => {
    const sku = freshSku();
    await putStock(sku, 3);
    for (const json of [{ available: -1 }, { available: 1.5 }, { available: 1_000_001 }, {}, { available: 2, x: 1 }]) {
      const reply = await call<ErrorBody>(path(sku), { method: 'PUT', token: adminToken, json });
      expect(reply.status, JSON.stringify(json)).toBe(400);
      expect(reply.body.error.code).toBe('VALIDATION_ERROR');
    }
    expect(await putStock(sku, 1_000_000)).toMatchObject({ available: 1_000_000 });
  });

  it('are refused to customers (403) and to anonymous callers (401)', async () => {
    const sku = freshSku();
    await putStock(sku, 10);
    const { token } = await registerCustomer();
    const attempts: [string, string, unknown][] = [
      ['PUT', path(sku), { available: 999 }],
      ['POST', path(sku, '/reserve'), { orderId: 'ord-x', quantity: 1 }],
      ['POST', path(sku, '/release'), { orderId: 'ord-x' }],
    ];
    for (const [method, url, json] of attempts) {
      expect((await call(url, { method, token, json })).status, `${method} ${url}`).toBe(403);
      expect((await call(url, { method, json })).status, `${method} ${url}`).toBe(401);
    }
    expect(await stockItem(sku)).toEqual({ available: 10, reserved: 0, sold: 0 });
  });
});

describe('reserve and release', () => {
  it('reserve is idempotent per order; another quantity for the same order is 409 RESERVATION_CONFLICT', async () => {
    const sku = freshSku();
    await putStock(sku, 10);
    const orderId = `ord-${randomUUID()}`;
    const first = await reserve(sku, orderId, 3);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ orderId, sku, quantity: 3, status: 'RESERVED' });

    const again = await reserve(sku, orderId, 3);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(await stockItem(sku)).toEqual({ available: 7, reserved: 3, sold: 0 });

    const conflict = await reserve(sku, orderId, 4);
    expect(conflict.status).toBe(409);
    expect(conflict.body.error.code).toBe('RESERVATION_CONFLICT');
    expect(await stockItem(sku)).toEqual({ available: 7, reserved: 3, sold: 0 });
  });

  it('release gives the units back once; again answers the same; an unknown reservation is 404', async () => {
    const sku = freshSku();
    await putStock(sku, 10);
    const orderId = `ord-${randomUUID()}`;
    await reserve(sku, orderId, 4);

    const released = await release(sku, orderId);
    expect(released.status).toBe(200);
    expect(released.body).toMatchObject({ orderId, sku, quantity: 4, status: 'RELEASED' });
    expect(await stockItem(sku)).toEqual({ available: 10, reserved: 0, sold: 0 });

    const again = await release(sku, orderId);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(released.body);
    expect(await stockItem(sku)).toEqual({ available: 10, reserved: 0, sold: 0 });

    // The order's reservation is spent: reserving again returns it rather than taking stock again.
    const replay = await reserve(sku, orderId, 4);
    expect(replay.status).toBe(200);
    expect(replay.body.status).toBe('RELEASED');
    expect(await stockItem(sku)).toEqual({ available: 10, reserved: 0, sold: 0 });

    const unknown = await release(sku, `ord-${randomUUID()}`);
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('RESERVATION_NOT_FOUND');
  });

  it('is 409 OUT_OF_STOCK beyond what is available, naming the SKU; 404 for an unknown SKU', async () => {
    const sku = freshSku();
    await putStock(sku, 2);
    const reply = await reserve(sku, `ord-${randomUUID()}`, 3);
    expect(reply.status).toBe(409);
    expect(reply.body.error).toMatchObject({ code: 'OUT_OF_STOCK', details: [{ sku, requested: 3, available: 2 }] });
    expect(await stockItem(sku)).toEqual({ available: 2, reserved: 0, sold: 0 });

    const unknown = await reserve(freshSku(), `ord-${randomUUID()}`, 1);
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('STOCK_NOT_FOUND');
  });

  it('50 concurrent reserves of 1 against a stock of 10: exactly 10 succeed, 40 are OUT_OF_STOCK', async () => {
    const sku = freshSku();
    await putStock(sku, 10);
    const seen: number[] = [];
    let burst = true;
    // Watch the count while the burst runs: it must never go below zero.
    const watcher = (async () => {
      while (burst) {
        seen.push((await call<Stock>(path(sku))).body.available);
        await sleep(20);
      }
    })();
    const orderIds = Array.from({ length: 50 }, () => `ord-${randomUUID()}`);
    const replies = await Promise.all(orderIds.map((orderId) => reserve(sku, orderId, 1)));
    burst = false;
    await watcher;

    const statuses = replies.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(10);
    expect(statuses.filter((s) => s === 409)).toHaveLength(40);
    expect(replies.filter((r) => r.status === 409).every((r) => r.body.error.code === 'OUT_OF_STOCK')).toBe(true);
    expect((await call<Stock>(path(sku))).body).toEqual({ sku, available: 0, reserved: 10 });
    expect(await stockItem(sku)).toEqual({ available: 0, reserved: 10, sold: 0 });
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((available) => available >= 0 && available <= 10)).toBe(true);

    const held = await Promise.all(orderIds.map((orderId) => reservationItem(sku, orderId)));
    const winners = orderIds.filter((_, i) => replies[i]?.status === 201);
    expect(
      held
        .filter(Boolean)
        .map((item) => item?.orderId)
        .sort(),
    ).toEqual(winners.sort());
  });
});

describe('InventoryLow', () => {
  it('is published once when a reservation or a set takes available below 5, never while it stays below', async () => {
    const sku = freshSku();
    await putStock(sku, 6);
    const correlationId = `corr-${randomUUID()}`;
    expect((await reserve(sku, `ord-${randomUUID()}`, 2, { 'X-Correlation-Id': correlationId })).status).toBe(201); // 6 -> 4
    expect((await reserve(sku, `ord-${randomUUID()}`, 1)).status).toBe(201); // 4 -> 3: below already
    await putStock(sku, 10); // back up
    await putStock(sku, 3); // crosses again

    const events = await eventually(async () => {
      const found = await inventoryLowEvents(sku);
      return found.length >= 2 && found;
    });
    // Delivery is asynchronous: once the bus has delivered everything, a stray third event would be there.
    await busSettled();
    expect(await inventoryLowEvents(sku)).toHaveLength(2);
    const details = events.map((e) => e.detail).sort((a, b) => b.available - a.available);
    expect(details).toEqual([
      expect.objectContaining({ sku, available: 4, threshold: 5, version: 1 }),
      expect.objectContaining({ sku, available: 3, threshold: 5, version: 1 }),
    ]);
    expect(events.find((e) => e.detail.available === 4)?.correlationId).toBe(correlationId);
  });
});

describe('the checkout saga tasks, called as Step Functions calls them', () => {
  type Task = (event: unknown) => Promise<unknown>;
  let tasks: { reserve: Task; commit: Task; release: Task; restock: Task };

  beforeAll(async () => {
    // Before the modules load: their clients and config read these.
    Object.assign(process.env, functionEnvironment());
    const [reserve, commit, release, restock] = await Promise.all([
      import('../../functions/inventory/handlers/saga/reserve-stock'),
      import('../../functions/inventory/handlers/saga/commit-stock'),
      import('../../functions/inventory/handlers/saga/release-stock'),
      import('../../functions/inventory/handlers/events/restock-on-cancel'),
    ]);
    tasks = { reserve: reserve.handler, commit: commit.handler, release: release.handler, restock: restock.handler };
  });

  /** The checkout execution's state, as the orders context starts it. */
  const checkoutState = (orderId: string, lines: [string, number][]) => ({
    orderId,
    userId: `usr_${randomUUID()}`,
    correlationId: `corr-${orderId}`,
    currency: 'USD',
    totalCents: lines.reduce((sum, [, quantity]) => sum + quantity * 1000, 0),
    lines: lines.map(([sku, quantity]) => ({
      productId: `prod-${sku}`,
      sku,
      name: `Product ${sku}`,
      quantity,
      unitPriceCents: 1000,
      lineTotalCents: quantity * 1000,
    })),
    paymentMethod: { type: 'card', token: 'tok_visa' },
  });

  const cancelledEvent = (state: ReturnType<typeof checkoutState>) =>
    busEvent('OrderCancelled', 'orders', {
      version: 1,
      correlationId: state.correlationId,
      orderId: state.orderId,
      userId: state.userId,
      previousStatus: 'CONFIRMED',
      lines: state.lines,
    });

  it('reserve all-or-nothing, idempotent reserve, commit, restock on cancel and a no-op release keep every total', async () => {
    const [a, b, c] = [freshSku(), freshSku(), freshSku()];
    const putIn: Record<string, number> = { [a]: 5, [b]: 1, [c]: 5 };
    for (const [sku, available] of Object.entries(putIn)) await putStock(sku, available);
    const snapshot = async (): Promise<Record<string, StockItem>> =>
      Object.fromEntries(await Promise.all([a, b, c].map(async (s) => [s, await stockItem(s)] as const)));
    const expectTotalsKept = async () => {
      for (const [sku, item] of Object.entries(await snapshot())) {
        expect(item.available + item.reserved + item.sold, sku).toBe(putIn[sku]);
        expect(item.available, sku).toBeGreaterThanOrEqual(0);
      }
    };
    const start = await snapshot();

    // All or nothing: the second of three lines lacks stock.
    const failing = checkoutState(`ord-${randomUUID()}`, [
      [a, 2],
      [b, 2],
      [c, 2],
    ]);
    const error = await tasks.reserve(failing).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({
      name: 'OutOfStockError',
      code: 'OUT_OF_STOCK',
      details: [{ sku: b, requested: 2, available: 1 }],
    });
    expect(await snapshot()).toEqual(start);
    for (const sku of [a, b, c]) expect(await reservationItem(sku, failing.orderId)).toBeUndefined();
    await expectTotalsKept();

    // Release after a failed reservation: nothing to give back.
    expect(await tasks.release(failing)).toEqual({ orderId: failing.orderId, lines: [] });
    expect(await snapshot()).toEqual(start);

    // Reserve twice (a retried task): stock taken once; two lines of one SKU merged.
    const state = checkoutState(`ord-${randomUUID()}`, [
      [a, 2],
      [c, 1],
      [a, 1],
    ]);
    const reserved = {
      orderId: state.orderId,
      lines: [
        { sku: a, quantity: 3 },
        { sku: c, quantity: 1 },
      ],
    };
    expect(await tasks.reserve(state)).toEqual(reserved);
    expect(await tasks.reserve(state)).toEqual(reserved);
    expect(await stockItem(a)).toEqual({ available: 2, reserved: 3, sold: 0 });
    expect(await stockItem(c)).toEqual({ available: 4, reserved: 1, sold: 0 });
    expect(await reservationItem(a, state.orderId)).toMatchObject({ quantity: 3, status: 'RESERVED' });
    await expectTotalsKept();

    // Commit, twice.
    const committed = {
      orderId: state.orderId,
      lines: [
        { sku: a, quantity: 3, status: 'COMMITTED' },
        { sku: c, quantity: 1, status: 'COMMITTED' },
      ],
    };
    expect(await tasks.commit(state)).toEqual(committed);
    expect(await tasks.commit(state)).toEqual(committed);
    expect(await stockItem(a)).toEqual({ available: 2, reserved: 0, sold: 3 });
    expect(await stockItem(c)).toEqual({ available: 4, reserved: 0, sold: 1 });
    await expectTotalsKept();

    // The order is cancelled after confirmation; the event may come twice.
    const event = cancelledEvent(state);
    const restocked = await tasks.restock(event);
    expect(restocked).toEqual({
      orderId: state.orderId,
      lines: [
        { sku: a, quantity: 3, status: 'RESTOCKED' },
        { sku: c, quantity: 1, status: 'RESTOCKED' },
      ],
    });
    expect(await tasks.restock(event)).toEqual(restocked);
    expect(await snapshot()).toEqual(start);
    await expectTotalsKept();

    // The saga's compensation after a reservation: reserved units go back, once.
    const compensated = checkoutState(`ord-${randomUUID()}`, [[c, 2]]);
    await tasks.reserve(compensated);
    expect(await stockItem(c)).toEqual({ available: 3, reserved: 2, sold: 0 });
    const released = { orderId: compensated.orderId, lines: [{ sku: c, quantity: 2, status: 'RELEASED' }] };
    expect(await tasks.release(compensated)).toEqual(released);
    expect(await tasks.release(compensated)).toEqual(released);
    expect(await snapshot()).toEqual(start);
    await expectTotalsKept();
  });

  it('publishes InventoryLow under the checkout correlation id when a reservation crosses the threshold', async () => {
    const sku = freshSku();
    await putStock(sku, 5);
    const state = checkoutState(`ord-${randomUUID()}`, [[sku, 3]]);
    await tasks.reserve(state);
    const [event] = await eventually(async () => {
      const found = await inventoryLowEvents(sku);
      return found.length > 0 && found;
    });
    expect(event?.correlationId).toBe(state.correlationId);
    expect(event?.detail).toMatchObject({ sku, available: 2, threshold: 5 });
  });

  it('refuses a state without usable lines (ValidationError, before any write)', async () => {
    const error = await tasks.reserve({ orderId: 'ord-1', lines: [{ sku: 'A#B', quantity: 1 }] }).catch((e) => e);
    expect(error).toMatchObject({ name: 'ValidationError' });
  });
});
