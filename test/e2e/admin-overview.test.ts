import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addToCart, admin, busEvent, createCustomers, journalEvents, placeOrder, settled, sleep } from './fixtures';
import { awsClientConfig, call, type ErrorBody, registerCustomer } from './http';
import { functionEnvironment } from './target';

const dynamo = DynamoDBDocumentClient.from(new DynamoDBClient(awsClientConfig()));
afterAll(() => dynamo.destroy());

interface Counters {
  ordersPlaced: number;
  ordersConfirmed: number;
  ordersFailed: number;
  ordersCancelled: number;
  revenue: number;
}
interface Stock {
  sku: string;
  available: number;
  reserved: number;
}
interface Overview {
  currency: string;
  today: Counters & { date: string };
  last30Days: Counters & { from: string; to: string };
  failedByReason: { reason: string; count: number }[];
  days: (Counters & { date: string })[];
  lowStock: { threshold: number; items: Stock[]; nextCursor: string | null };
}
interface StockPage {
  items: Stock[];
  nextCursor: string | null;
}

const COUNTERS = ['ordersPlaced', 'ordersConfirmed', 'ordersFailed', 'ordersCancelled'] as const;

const getOverview = async (query = '') => {
  const reply = await call<Overview>(`/api/v1/admin/overview${query}`, { token: await admin() });
  if (reply.status !== 200) throw new Error(`overview failed: ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body;
};

const reasonCount = (overview: Overview, reason: string) =>
  overview.failedByReason.find((r) => r.reason === reason)?.count ?? 0;

/** Cents of an amount in major units, for comparing sums of money without floating-point drift. */
const cents = (amount: number) => Math.round(amount * 100);

interface JournalOrderEvent {
  id: string;
  detailType: (typeof ORDER_EVENTS)[number];
  detail: { orderId: string; totalCents?: number; reason?: string; previousStatus?: string };
}
const ORDER_EVENTS = ['OrderPlaced', 'OrderConfirmed', 'OrderFailed', 'OrderCancelled'] as const;

/** The order events of a UTC day as the EventJournal rule kept them (every event on the bus, once per id). */
const journalOf = (day: string) =>
  journalEvents<JournalOrderEvent>(
    dynamo,
    {
      expression: 'detailType IN (:placed, :confirmed, :failed, :cancelled)',
      values: {
        ':placed': 'OrderPlaced',
        ':confirmed': 'OrderConfirmed',
        ':failed': 'OrderFailed',
        ':cancelled': 'OrderCancelled',
      },
    },
    [new Date(`${day}T12:00:00Z`)],
  );

/** What a set of order events should add to the counters: this test's own reading of the rules, not the service's. */
const tally = (events: JournalOrderEvent[]) => {
  const counts = { ordersPlaced: 0, ordersConfirmed: 0, ordersFailed: 0, ordersCancelled: 0, revenueCents: 0 };
  const reasons: Record<string, number> = {};
  for (const { detailType, detail } of events) {
    if (detailType === 'OrderPlaced') counts.ordersPlaced++;
    if (detailType === 'OrderConfirmed') {
      counts.ordersConfirmed++;
      counts.revenueCents += detail.totalCents ?? 0;
    }
    if (detailType === 'OrderFailed') {
      counts.ordersFailed++;
      const reason = detail.reason ?? '';
      reasons[reason] = (reasons[reason] ?? 0) + 1;
    }
    if (detailType === 'OrderCancelled') {
      counts.ordersCancelled++;
      if (detail.previousStatus === 'CONFIRMED') counts.revenueCents -= detail.totalCents ?? 0;
    }
  }
  return { counts, reasons };
};

/**
 * The overview and today's journal at a moment when the two agree: every order event on the bus so far is in both
 * (the counting consumer and the journal are separate rules, each behind its own asynchronous delivery). Other test
 * files place orders in the same sandbox meanwhile, so this is the moment to compare from.
 */
const caughtUp = async (until: (journal: JournalOrderEvent[]) => boolean = () => true) => {
  const deadline = Date.now() + 90_000;
  for (;;) {
    const overview = await getOverview();
    const journal = await journalOf(overview.today.date);
    const { counts } = tally(journal);
    const counted = { ...pick(overview.today), revenueCents: cents(overview.today.revenue) };
    const agree = Object.entries(counts).every(([name, value]) => counted[name as keyof typeof counted] === value);
    if (agree && until(journal)) return { overview, journal };
    if (Date.now() > deadline) {
      throw new Error(
        `today's counters ${JSON.stringify(counted)} never matched the journal's ${JSON.stringify(counts)}`,
      );
    }
    await sleep(250);
  }
};
const pick = (counters: Counters) => Object.fromEntries(COUNTERS.map((name) => [name, counters[name]]));

describe('GET /api/v1/admin/overview', () => {
  it('moves the counters, the revenue and the failure reasons by exactly the events that happened', async () => {
    const before = await caughtUp();
    const [payer, declined] = await createCustomers(2);
    if (!payer || !declined) throw new Error('no customers');
    await addToCart(payer.userId, payer.token, 'prod-mouse-001', 2);
    await addToCart(declined.userId, declined.token, 'prod-mouse-001', 1);
    const [paid, refused] = await Promise.all([
      placeOrder(payer.token, 'tok_visa'),
      placeOrder(declined.token, 'tok_chargeDeclined'),
    ]);
    const [confirmedOrder, failedOrder] = await Promise.all([
      settled(paid.body.id, payer.token),
      settled(refused.body.id, declined.token),
    ]);
    expect(confirmedOrder.status).toBe('CONFIRMED');
    expect(failedOrder.status).toBe('FAILED');
    expect(failedOrder.failureReason).toBe('PAYMENT_DECLINED');
    const mine = (journal: JournalOrderEvent[]) =>
      journal.filter((e) => e.detail.orderId === confirmedOrder.id || e.detail.orderId === failedOrder.id);

    const after = await caughtUp((journal) => mine(journal).length === 4);

    // Ours: two placed, one confirmed with its total, one failed for PAYMENT_DECLINED.
    expect(
      mine(after.journal)
        .map((e) => `${e.detailType} ${e.detail.orderId === confirmedOrder.id ? 'paid' : 'declined'}`)
        .sort(),
    ).toEqual(['OrderConfirmed paid', 'OrderFailed declined', 'OrderPlaced declined', 'OrderPlaced paid']);
    // Exactly the events of the window: ours, plus whatever other test files caused meanwhile (none when run alone).
    const known = new Set(before.journal.map((e) => e.id));
    const window = after.journal.filter((e) => !known.has(e.id));
    const expected = tally(window);
    expect(expected.counts.ordersPlaced).toBeGreaterThanOrEqual(2);
    expect(expected.reasons.PAYMENT_DECLINED).toBeGreaterThanOrEqual(1);
    for (const counter of COUNTERS) {
      expect(after.overview.today[counter] - before.overview.today[counter], counter).toBe(expected.counts[counter]);
      expect(after.overview.last30Days[counter] - before.overview.last30Days[counter], counter).toBe(
        expected.counts[counter],
      );
    }
    expect(cents(after.overview.today.revenue) - cents(before.overview.today.revenue)).toBe(
      expected.counts.revenueCents,
    );
    expect(expected.counts.revenueCents).toBeGreaterThanOrEqual(cents(confirmedOrder.total));
    for (const [reason, count] of Object.entries(expected.reasons)) {
      expect(reasonCount(after.overview, reason) - reasonCount(before.overview, reason), reason).toBe(count);
    }

    const { overview } = after;
    expect(overview.currency).toBe('USD');
    expect(overview.days).toHaveLength(30);
    expect(overview.days.at(-1)).toEqual(overview.today);
    expect(overview.last30Days.from).toBe(overview.days[0]?.date);
    expect(overview.last30Days.to).toBe(overview.today.date);
    for (const counter of COUNTERS) {
      expect(overview.days.reduce((sum, day) => sum + day[counter], 0)).toBe(overview.last30Days[counter]);
    }
    expect(overview.failedByReason.map((r) => r.count)).toEqual(
      [...overview.failedByReason.map((r) => r.count)].sort((a, b) => b - a),
    );
  }, 240_000);

  it('counts a redelivered event once, on the day of the event', async () => {
    Object.assign(process.env, functionEnvironment(), { POWERTOOLS_LOG_LEVEL: 'WARN' });
    const { handler } = await import('../../functions/reporting/handlers/events/count-order-event');
    // Twelve days ago at noon: a day no other test places orders on, so its counters move by ours alone.
    const dayBefore = (await getOverview()).days[17] as Counters & { date: string };
    const time = `${dayBefore.date}T12:00:00Z`;
    const orderRef = () => ({
      version: 1,
      correlationId: randomUUID(),
      orderId: `ord_${randomUUID()}`,
      userId: 'usr_e2e',
    });
    const at = <E extends { time: string }>(event: E) => ({ ...event, time });
    // A reason of this run alone: the 30 days' failedByReason moves by ours only.
    const reason = `E2E_${randomUUID().slice(0, 8).toUpperCase()}`;
    const failed = at(busEvent('OrderFailed', 'orders', { ...orderRef(), reason }));
    const confirmed = at(
      busEvent('OrderConfirmed', 'orders', {
        ...orderRef(),
        totalCents: 12_345,
        currency: 'USD',
        lines: [],
        shippingAddress: { name: 'A', line1: 'B', city: 'C', postalCode: '1', country: 'US' },
      }),
    );
    const cancelled = at(
      busEvent('OrderCancelled', 'orders', {
        ...orderRef(),
        previousStatus: 'CONFIRMED',
        lines: [],
        totalCents: 2_000,
        currency: 'USD',
      }),
    );

    expect(await handler(failed)).toEqual({ counted: true });
    expect(await handler(failed)).toEqual({ counted: false });
    // Two deliveries of one event at once: one counts, the other finds it counted.
    const twice = await Promise.all([handler(confirmed), handler(confirmed)]);
    expect(twice.map((outcome) => outcome.counted).sort()).toEqual([false, true]);
    expect(await handler(cancelled)).toEqual({ counted: true });
    expect(await handler(cancelled)).toEqual({ counted: false });

    const overview = await getOverview();
    const dayAfter = overview.days.find((d) => d.date === dayBefore.date);
    expect(dayAfter).toEqual({
      ...dayBefore,
      ordersFailed: dayBefore.ordersFailed + 1,
      ordersConfirmed: dayBefore.ordersConfirmed + 1,
      ordersCancelled: dayBefore.ordersCancelled + 1,
      revenue: (cents(dayBefore.revenue) + 12_345 - 2_000) / 100,
    });
    expect(reasonCount(overview, reason)).toBe(1);
  });

  it('is for admins only', async () => {
    const customer = await registerCustomer();
    const forbidden = await call<ErrorBody>('/api/v1/admin/overview', { token: customer.token });
    expect(forbidden.status).toBe(403);
    expect((await call('/api/v1/admin/inventory', { token: customer.token })).status).toBe(403);
    expect((await call('/api/v1/admin/overview')).status).toBe(401);
    expect((await call('/api/v1/admin/inventory')).status).toBe(401);
  });

  it.each(['0', '1001', 'abc', '2.5', '-3', ''])('answers 400 to lowStockBelow=%s', async (value) => {
    const reply = await call<ErrorBody>(`/api/v1/admin/overview?lowStockBelow=${value}`, { token: await admin() });
    expect(reply.status).toBe(400);
    expect(reply.body.error.code).toBe('VALIDATION_ERROR');
  });
});

describe('GET /api/v1/admin/inventory', () => {
  const fresh = () => `LOW-${randomUUID().slice(0, 8).toUpperCase()}`;
  const putStock = async (sku: string, available: number) => {
    const reply = await call(`/api/v1/inventory/${sku}`, { method: 'PUT', token: await admin(), json: { available } });
    expect(reply.status).toBe(200);
  };
  /** Every page of a listing, from `cursor` on. */
  const everyPage = async (query: string, cursor?: string) => {
    const items: Stock[] = [];
    let next = cursor ?? null;
    let first = cursor === undefined;
    while (first || next) {
      first = false;
      const reply = await call<StockPage>(
        `/api/v1/admin/inventory?${query}${next ? `&cursor=${encodeURIComponent(next)}` : ''}`,
        { token: await admin() },
      );
      expect(reply.status).toBe(200);
      items.push(...reply.body.items);
      next = reply.body.nextCursor;
    }
    return items;
  };

  let scarce: string;
  let ample: string;
  beforeAll(async () => {
    [scarce, ample] = [fresh(), fresh()];
    await putStock(scarce, 2);
    await putStock(ample, 7);
  });

  it('lists the stock records; `below` keeps only the SKUs with less available', async () => {
    const all = await everyPage('limit=100');
    expect(all).toContainEqual({ sku: scarce, available: 2, reserved: 0 });
    expect(all).toContainEqual({ sku: ample, available: 7, reserved: 0 });
    expect(new Set(all.map((s) => s.sku)).size).toBe(all.length);

    const below5 = await everyPage('below=5&limit=100');
    expect(below5.every((s) => s.available < 5)).toBe(true);
    expect(below5.map((s) => s.sku)).toContain(scarce);
    expect(below5.map((s) => s.sku)).not.toContain(ample);
    const below8 = await everyPage('below=8&limit=100');
    expect(below8.map((s) => s.sku)).toEqual(expect.arrayContaining([scarce, ample]));
    expect((await everyPage('below=2&limit=100')).map((s) => s.sku)).not.toContain(scarce);
  });

  it('pages with an opaque cursor, one page of `limit` at a time', async () => {
    const first = await call<StockPage>('/api/v1/admin/inventory?limit=1', { token: await admin() });
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(1);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await call<StockPage>(
      `/api/v1/admin/inventory?limit=1&cursor=${encodeURIComponent(first.body.nextCursor as string)}`,
      { token: await admin() },
    );
    expect(second.body.items).toHaveLength(1);
    expect(second.body.items[0]?.sku).not.toBe(first.body.items[0]?.sku);
  });

  it("feeds the overview's low stock, whose cursor continues in this listing", async () => {
    const overview = await getOverview('?lowStockBelow=3');
    expect(overview.lowStock.threshold).toBe(3);
    expect(overview.lowStock.items.every((s) => s.available < 3)).toBe(true);
    const rest =
      overview.lowStock.nextCursor === null ? [] : await everyPage('below=3&limit=100', overview.lowStock.nextCursor);
    expect([...overview.lowStock.items, ...rest].map((s) => s.sku)).toContain(scarce);
    expect((await getOverview()).lowStock.threshold).toBe(5);
  });

  it.each([
    ['below=0', 'VALIDATION_ERROR'],
    ['below=abc', 'VALIDATION_ERROR'],
    ['below=-1', 'VALIDATION_ERROR'],
    ['limit=0', 'VALIDATION_ERROR'],
    ['limit=101', 'VALIDATION_ERROR'],
    ['cursor=not-a-cursor', 'INVALID_CURSOR'],
  ])('answers 400 to %s', async (query, code) => {
    const reply = await call<ErrorBody>(`/api/v1/admin/inventory?${query}`, { token: await admin() });
    expect(reply.status).toBe(400);
    expect(reply.body.error.code).toBe(code);
  });

  it("refuses a cursor of another filter's listing", async () => {
    const page = await call<StockPage>('/api/v1/admin/inventory?below=1000&limit=1', { token: await admin() });
    expect(page.body.nextCursor).toEqual(expect.any(String));
    const reused = await call<ErrorBody>(
      `/api/v1/admin/inventory?below=5&limit=1&cursor=${encodeURIComponent(page.body.nextCursor as string)}`,
      { token: await admin() },
    );
    expect(reused.status).toBe(400);
    expect(reused.body.error.code).toBe('INVALID_CURSOR');
  });
});
