import { describe, expect, it, vi } from 'vitest';
import {
  InvalidReservationTransitionError,
  OutOfStockError,
  ReservationConflictError,
  ReservationNotFoundError,
  StockContentionError,
  StockNotFoundError,
} from '../../../functions/inventory/errors';
import { OrderStockInput, ReserveBody, SkuParams } from '../../../functions/inventory/schemas';
import {
  commitOrderStock,
  getStock,
  LOW_STOCK_THRESHOLD,
  mergeLines,
  releaseForOrder,
  reserveForOrder,
  reserveOrderStock,
  returnOrderStock,
  setStock,
} from '../../../functions/inventory/service';
import { ValidationError } from '../../../functions/shared/errors';
import type { DomainEvent } from '../../../functions/shared/events';
import { parse } from '../../../functions/shared/validation';
import { memoryInventoryStore } from './fake-store';

const NOW = new Date('2026-03-01T12:00:00.000Z');

const setup = (initial: Record<string, number> = {}, options: { publishFails?: boolean } = {}) => {
  const fake = memoryInventoryStore(initial);
  const published: DomainEvent[] = [];
  const errors: { message: string; extra: Record<string, unknown> }[] = [];
  const deps = {
    store: fake.store,
    now: () => NOW,
    publish: async (...events: DomainEvent[]) => {
      if (options.publishFails) throw new Error('bus unavailable');
      published.push(...events);
    },
    logger: { error: (message: string, extra: Record<string, unknown>) => errors.push({ message, extra }) },
  };
  return { fake, deps, published, errors };
};

const lowEvents = (published: DomainEvent[]) => published.filter((e) => e.detailType === 'InventoryLow');

const order = (orderId: string, lines: [string, number][]) =>
  parse(
    OrderStockInput,
    {
      orderId,
      userId: 'usr_1',
      correlationId: `corr-${orderId}`,
      currency: 'USD',
      totalCents: 100,
      lines: lines.map(([sku, quantity]) => ({
        productId: `prod-${sku}`,
        sku,
        name: sku,
        quantity,
        unitPriceCents: 10,
        lineTotalCents: 10 * quantity,
      })),
      paymentMethod: { type: 'card', token: 'tok_visa' },
    },
    'checkout state',
  );

describe('schemas', () => {
  it('takes what the stock steps use from the whole checkout state', () => {
    expect(order('ord-1', [['A-1', 2]])).toEqual({
      orderId: 'ord-1',
      correlationId: 'corr-ord-1',
      lines: [{ sku: 'A-1', quantity: 2 }],
    });
  });

  it('rejects SKUs that could break a key, and out-of-range quantities', () => {
    for (const sku of ['', 'A#B', 'with space', '-LEADING', 'x'.repeat(65)]) {
      expect(() => parse(SkuParams, { sku }, 'path')).toThrow(ValidationError);
    }
    expect(parse(SkuParams, { sku: 'TEST-1f0c2a3e-9a8b-4c1d-8e2f-0123456789ab' }, 'path').sku).toMatch(/^TEST-/);
    for (const quantity of [0, 1001, 1.5, -1]) {
      expect(() => parse(ReserveBody, { orderId: 'o-1', quantity }, 'request body')).toThrow(ValidationError);
    }
    expect(() => parse(ReserveBody, { orderId: 'o#1', quantity: 1 }, 'request body')).toThrow(ValidationError);
    expect(() => parse(OrderStockInput, { orderId: 'o-1', lines: [] }, 'checkout state')).toThrow(ValidationError);
  });
});

describe('mergeLines', () => {
  it('sums lines of the same SKU, keeping the first order of appearance', () => {
    expect(
      mergeLines([
        { sku: 'A', quantity: 1 },
        { sku: 'B', quantity: 2 },
        { sku: 'A', quantity: 3 },
      ]),
    ).toEqual([
      { sku: 'A', quantity: 4 },
      { sku: 'B', quantity: 2 },
    ]);
  });
});

describe('getStock and setStock', () => {
  it('shows sku, available and reserved; an unknown SKU is STOCK_NOT_FOUND', async () => {
    const { deps } = setup({ A: 7 });
    expect(await getStock(deps, 'A')).toEqual({ sku: 'A', available: 7, reserved: 0 });
    await expect(getStock(deps, 'B')).rejects.toBeInstanceOf(StockNotFoundError);
  });

  it('creates a record when absent and keeps reservations when setting', async () => {
    const { deps, fake } = setup({ A: 10 });
    expect(await setStock(deps, 'NEW', 3, 'c')).toEqual({ sku: 'NEW', available: 3, reserved: 0 });
    await reserveForOrder(deps, { sku: 'A', orderId: 'o', quantity: 4 }, 'c');
    expect(await setStock(deps, 'A', 20, 'c')).toEqual({ sku: 'A', available: 20, reserved: 4 });
    expect(fake.stock('A')).toMatchObject({ available: 20, reserved: 4, sold: 0 });
  });

  it('raises InventoryLow only when the set crosses the threshold downwards', async () => {
    const { deps, published } = setup({ A: 10 });
    await setStock(deps, 'A', LOW_STOCK_THRESHOLD, 'c1'); // still at the threshold
    await setStock(deps, 'A', 2, 'c2'); // crosses
    await setStock(deps, 'A', 1, 'c3'); // below already
    await setStock(deps, 'NEW', 1, 'c4'); // a new SKU crosses nothing
    expect(lowEvents(published)).toEqual([
      {
        context: 'inventory',
        detailType: 'InventoryLow',
        version: 1,
        correlationId: 'c2',
        data: { sku: 'A', available: 2, threshold: LOW_STOCK_THRESHOLD },
      },
    ]);
  });
});

describe('reserveForOrder (admin)', () => {
  it('reserves once per order: a repeat returns the same reservation and takes nothing more', async () => {
    const { deps, fake } = setup({ A: 10 });
    const first = await reserveForOrder(deps, { sku: 'A', orderId: 'o-1', quantity: 3 }, 'c');
    expect(first).toEqual({
      created: true,
      reservation: {
        orderId: 'o-1',
        sku: 'A',
        quantity: 3,
        status: 'RESERVED',
        createdAt: NOW.toISOString(),
        updatedAt: NOW.toISOString(),
      },
    });
    const again = await reserveForOrder(deps, { sku: 'A', orderId: 'o-1', quantity: 3 }, 'c');
    expect(again).toEqual({ ...first, created: false });
    expect(fake.stock('A')).toMatchObject({ available: 7, reserved: 3 });
  });

  it('refuses the same order with another quantity (RESERVATION_CONFLICT)', async () => {
    const { deps, fake } = setup({ A: 10 });
    await reserveForOrder(deps, { sku: 'A', orderId: 'o-1', quantity: 3 }, 'c');
    const error = await reserveForOrder(deps, { sku: 'A', orderId: 'o-1', quantity: 4 }, 'c').catch((e) => e);
    expect(error).toBeInstanceOf(ReservationConflictError);
    expect(error.code).toBe('RESERVATION_CONFLICT');
    expect(fake.stock('A')).toMatchObject({ available: 7, reserved: 3 });
  });

  it('is OUT_OF_STOCK beyond what is available, and STOCK_NOT_FOUND for an unknown SKU', async () => {
    const { deps, fake } = setup({ A: 2 });
    const error = await reserveForOrder(deps, { sku: 'A', orderId: 'o-1', quantity: 3 }, 'c').catch((e) => e);
    expect(error).toBeInstanceOf(OutOfStockError);
    expect(error).toMatchObject({ status: 409, code: 'OUT_OF_STOCK', name: 'OutOfStockError' });
    expect(error.details).toEqual([{ sku: 'A', requested: 3, available: 2 }]);
    expect(fake.stock('A')).toMatchObject({ available: 2, reserved: 0 });
    await expect(reserveForOrder(deps, { sku: 'B', orderId: 'o-1', quantity: 1 }, 'c')).rejects.toBeInstanceOf(
      StockNotFoundError,
    );
  });

  it('raises InventoryLow once for the crossing, with the count it left', async () => {
    const { deps, published } = setup({ A: 7 });
    await reserveForOrder(deps, { sku: 'A', orderId: 'o-1', quantity: 2 }, 'c1'); // 7 -> 5
    await reserveForOrder(deps, { sku: 'A', orderId: 'o-2', quantity: 2 }, 'c2'); // 5 -> 3: crosses
    await reserveForOrder(deps, { sku: 'A', orderId: 'o-2', quantity: 2 }, 'c2'); // a repeat
    await reserveForOrder(deps, { sku: 'A', orderId: 'o-3', quantity: 1 }, 'c3'); // 3 -> 2
    expect(lowEvents(published).map((e) => [e.correlationId, e.data])).toEqual([
      ['c2', { sku: 'A', available: 3, threshold: LOW_STOCK_THRESHOLD }],
    ]);
  });

  it('keeps the reservation when InventoryLow cannot be published, and logs it', async () => {
    const { deps, fake, errors } = setup({ A: 5 }, { publishFails: true });
    const result = await reserveForOrder(deps, { sku: 'A', orderId: 'o-1', quantity: 1 }, 'c');
    expect(result.created).toBe(true);
    expect(fake.stock('A')).toMatchObject({ available: 4, reserved: 1 });
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toBe('InventoryLow not published');
  });
});

describe('releaseForOrder (admin)', () => {
  it('puts reserved units back on sale; releasing again answers the same', async () => {
    const { deps, fake } = setup({ A: 10 });
    await reserveForOrder(deps, { sku: 'A', orderId: 'o-1', quantity: 4 }, 'c');
    const released = await releaseForOrder(deps, 'A', 'o-1');
    expect(released).toMatchObject({ orderId: 'o-1', sku: 'A', quantity: 4, status: 'RELEASED' });
    expect(fake.stock('A')).toMatchObject({ available: 10, reserved: 0 });
    expect(await releaseForOrder(deps, 'A', 'o-1')).toEqual(released);
    expect(fake.stock('A')).toMatchObject({ available: 10, reserved: 0 });
    expect(fake.writes.transition).toBe(1);
  });

  it('is RESERVATION_NOT_FOUND for an unknown reservation and INVALID_TRANSITION for sold stock', async () => {
    const { deps } = setup({ A: 10 });
    await expect(releaseForOrder(deps, 'A', 'nope')).rejects.toBeInstanceOf(ReservationNotFoundError);
    await reserveForOrder(deps, { sku: 'A', orderId: 'o-1', quantity: 1 }, 'c');
    await commitOrderStock(deps, order('o-1', [['A', 1]]));
    await expect(releaseForOrder(deps, 'A', 'o-1')).rejects.toBeInstanceOf(InvalidReservationTransitionError);
  });

  it('reads again when the reservation changed under it', async () => {
    const { deps, fake } = setup({ A: 10 });
    await reserveForOrder(deps, { sku: 'A', orderId: 'o-1', quantity: 4 }, 'c');
    fake.answerStale(2);
    expect((await releaseForOrder(deps, 'A', 'o-1')).status).toBe('RELEASED');
    fake.answerStale(0);
    await reserveForOrder(deps, { sku: 'A', orderId: 'o-2', quantity: 1 }, 'c');
    fake.answerStale(100);
    await expect(releaseForOrder(deps, 'A', 'o-2')).rejects.toBeInstanceOf(StockContentionError);
  });
});

describe('the checkout steps', () => {
  it('reserve: all lines or none, with the short SKUs in the error', async () => {
    const { deps, fake } = setup({ A: 5, B: 1, C: 5 });
    const error = await reserveOrderStock(
      deps,
      order('o-1', [
        ['A', 2],
        ['B', 2],
        ['C', 2],
      ]),
    ).catch((e) => e);
    expect(error).toBeInstanceOf(OutOfStockError);
    expect(error.name).toBe('OutOfStockError');
    expect(error.details).toEqual([{ sku: 'B', requested: 2, available: 1 }]);
    for (const [sku, available] of [
      ['A', 5],
      ['B', 1],
      ['C', 5],
    ] as const) {
      expect(fake.stock(sku)).toMatchObject({ available, reserved: 0, sold: 0 });
    }
    expect(fake.reservation('A', 'o-1')).toBeUndefined();
  });

  it('reserve: an unknown SKU is out of stock too', async () => {
    const { deps } = setup({ A: 5 });
    const error = await reserveOrderStock(deps, order('o-1', [['NOPE', 1]])).catch((e) => e);
    expect(error).toBeInstanceOf(OutOfStockError);
    expect(error.details).toEqual([{ sku: 'NOPE', requested: 1, available: 0 }]);
  });

  it('reserve: merges lines of one SKU, and a retry succeeds without taking stock again', async () => {
    const { deps, fake } = setup({ A: 10, B: 10 });
    const input = order('o-1', [
      ['A', 1],
      ['B', 2],
      ['A', 3],
    ]);
    const expected = {
      orderId: 'o-1',
      lines: [
        { sku: 'A', quantity: 4 },
        { sku: 'B', quantity: 2 },
      ],
    };
    expect(await reserveOrderStock(deps, input)).toEqual(expected);
    expect(await reserveOrderStock(deps, input)).toEqual(expected);
    expect(fake.writes.reserve).toBe(1);
    expect(fake.stock('A')).toMatchObject({ available: 6, reserved: 4 });
  });

  it('reserve: other lines for an order that holds reservations are a conflict', async () => {
    const { deps } = setup({ A: 10 });
    await reserveOrderStock(deps, order('o-1', [['A', 1]]));
    await expect(reserveOrderStock(deps, order('o-1', [['A', 2]]))).rejects.toBeInstanceOf(ReservationConflictError);
    await returnOrderStock(deps, order('o-1', [['A', 1]]));
    // Given back already: a new run of the same order must not pass for a reservation.
    await expect(reserveOrderStock(deps, order('o-1', [['A', 1]]))).rejects.toBeInstanceOf(ReservationConflictError);
  });

  it('reserve: raises InventoryLow for each SKU that crosses, under the order correlation id', async () => {
    const { deps, published } = setup({ A: 6, B: 20, C: 3 });
    await reserveOrderStock(
      deps,
      order('o-1', [
        ['A', 2],
        ['B', 1],
        ['C', 1],
      ]),
    );
    expect(lowEvents(published).map((e) => [e.correlationId, e.data])).toEqual([
      ['corr-o-1', { sku: 'A', available: 4, threshold: LOW_STOCK_THRESHOLD }],
    ]);
  });

  it('commit: reserved becomes sold, once; a missing reservation fails before any write', async () => {
    const { deps, fake } = setup({ A: 10, B: 10 });
    const input = order('o-1', [
      ['A', 2],
      ['B', 3],
    ]);
    await reserveOrderStock(deps, input);
    const committed = {
      orderId: 'o-1',
      lines: [
        { sku: 'A', quantity: 2, status: 'COMMITTED' },
        { sku: 'B', quantity: 3, status: 'COMMITTED' },
      ],
    };
    expect(await commitOrderStock(deps, input)).toEqual(committed);
    expect(await commitOrderStock(deps, input)).toEqual(committed);
    expect(fake.writes.transition).toBe(1);
    expect(fake.stock('A')).toMatchObject({ available: 8, reserved: 0, sold: 2 });

    const partial = order('o-2', [
      ['A', 1],
      ['B', 1],
    ]);
    await reserveForOrder(deps, { sku: 'A', orderId: 'o-2', quantity: 1 }, 'c');
    await expect(commitOrderStock(deps, partial)).rejects.toBeInstanceOf(ReservationNotFoundError);
    expect(fake.reservation('A', 'o-2')?.status).toBe('RESERVED');
  });

  it('commit: the usual case is one write with no read; a retry after it reads and writes nothing more', async () => {
    const { deps, fake } = setup({ A: 10, B: 10 });
    const input = order('o-1', [
      ['A', 1],
      ['B', 2],
      ['A', 1],
    ]);
    await reserveOrderStock(deps, input);
    const reads = vi.spyOn(fake.store, 'getReservations');
    expect((await commitOrderStock(deps, input)).lines).toEqual([
      { sku: 'A', quantity: 2, status: 'COMMITTED' },
      { sku: 'B', quantity: 2, status: 'COMMITTED' },
    ]);
    expect([reads.mock.calls.length, fake.writes.transition]).toEqual([0, 1]);
    await commitOrderStock(deps, input);
    expect([reads.mock.calls.length, fake.writes.transition]).toEqual([1, 1]);
    expect(fake.stock('A')).toMatchObject({ available: 8, reserved: 0, sold: 2 });
  });

  it('commit: leaves released lines alone (the order was cancelled meanwhile)', async () => {
    const { deps, fake } = setup({ A: 10 });
    const input = order('o-1', [['A', 2]]);
    await reserveOrderStock(deps, input);
    await returnOrderStock(deps, input);
    expect(await commitOrderStock(deps, input)).toEqual({
      orderId: 'o-1',
      lines: [{ sku: 'A', quantity: 2, status: 'RELEASED' }],
    });
    expect(fake.stock('A')).toMatchObject({ available: 10, reserved: 0, sold: 0 });
  });

  it('release: a no-op when nothing was reserved', async () => {
    const { deps, fake } = setup({ A: 10 });
    expect(await returnOrderStock(deps, order('o-1', [['A', 2]]))).toEqual({ orderId: 'o-1', lines: [] });
    expect(fake.stock('A')).toMatchObject({ available: 10, reserved: 0, sold: 0 });
    expect(fake.writes.transition).toBe(0);
  });

  it('release and restock: give back reserved and sold stock, once, keeping the totals', async () => {
    const { deps, fake } = setup({ A: 10, B: 10 });
    await reserveOrderStock(deps, order('o-1', [['A', 2]]));
    await reserveOrderStock(deps, order('o-2', [['B', 3]]));
    await commitOrderStock(deps, order('o-2', [['B', 3]]));
    expect(fake.stock('B')).toMatchObject({ available: 7, reserved: 0, sold: 3 });

    const released = await returnOrderStock(deps, order('o-1', [['A', 2]]));
    expect(released.lines).toEqual([{ sku: 'A', quantity: 2, status: 'RELEASED' }]);
    const restocked = await returnOrderStock(deps, order('o-2', [['B', 3]]));
    expect(restocked.lines).toEqual([{ sku: 'B', quantity: 3, status: 'RESTOCKED' }]);
    // Redelivered: nothing more.
    await returnOrderStock(deps, order('o-1', [['A', 2]]));
    await returnOrderStock(deps, order('o-2', [['B', 3]]));
    expect(fake.stock('A')).toMatchObject({ available: 10, reserved: 0, sold: 0 });
    expect(fake.stock('B')).toMatchObject({ available: 10, reserved: 0, sold: 0 });
    expect(fake.writes.transition).toBe(3);
    expect([fake.total('A'), fake.total('B')]).toEqual([10, 10]);
  });

  it('uses the quantity that was reserved, not the one in the event', async () => {
    const { deps, fake } = setup({ A: 10 });
    await reserveOrderStock(deps, order('o-1', [['A', 2]]));
    await returnOrderStock(deps, order('o-1', [['A', 9]]));
    expect(fake.stock('A')).toMatchObject({ available: 10, reserved: 0 });
  });

  it('reads again after a concurrent change, and gives up with STOCK_CONTENTION', async () => {
    const { deps, fake } = setup({ A: 10 });
    await reserveOrderStock(deps, order('o-1', [['A', 2]]));
    fake.answerStale(1);
    expect((await commitOrderStock(deps, order('o-1', [['A', 2]]))).lines[0]?.status).toBe('COMMITTED');
    await reserveOrderStock(deps, order('o-2', [['A', 1]]));
    fake.answerStale(100);
    await expect(commitOrderStock(deps, order('o-2', [['A', 1]]))).rejects.toBeInstanceOf(StockContentionError);
  });
});
