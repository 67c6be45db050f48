import { Metrics } from '@aws-lambda-powertools/metrics';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { countingOrdersStore, type MetricsSink } from '../../../functions/orders/metrics';
import type { CreateOrderBody } from '../../../functions/orders/schemas';
import {
  confirmOrder,
  failOrder,
  type OrdersDeps,
  placeOrder,
  placeOrderWithKey,
  requireAttention,
} from '../../../functions/orders/service';
import { logger } from '../../../functions/shared/logger';
import { ORDER_METRICS } from '../../../lib/spec/metrics';
import { product } from '../catalog/fake-store';
import { memoryOrdersStore } from './fake-store';

const PLACED_AT = new Date('2026-03-01T12:00:00.000Z');
const body: CreateOrderBody = {
  shippingAddress: { name: 'Ann', line1: '1 Main St', city: 'Springfield', postalCode: '12345', country: 'US' },
  paymentMethod: { type: 'card', token: 'tok_visa' },
};

/** One EMF data point as CloudWatch reads it from the log line. */
interface DataPoint {
  namespace: string;
  name: string;
  unit: string;
  value: unknown;
  dimensions: Record<string, unknown>;
  orderId: unknown;
}

let lines: string[] = [];
beforeEach(() => {
  lines = [];
  vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
  // Powertools Metrics writes EMF through a Console on process.stdout.
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    lines.push(String(chunk));
    return true;
  });
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

const emitted = (): DataPoint[] =>
  lines
    .flatMap((chunk) => chunk.split('\n'))
    .filter((line) => line.includes('"_aws"'))
    .flatMap((line) => {
      const blob = JSON.parse(line);
      return blob._aws.CloudWatchMetrics.flatMap(
        (directive: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string; Unit: string }[] }) =>
          directive.Metrics.map((metric) => ({
            namespace: directive.Namespace,
            name: metric.Name,
            unit: metric.Unit,
            value: blob[metric.Name],
            dimensions: Object.fromEntries((directive.Dimensions[0] ?? []).map((key) => [key, blob[key]])),
            orderId: blob.orderId,
          })),
      );
    });

const setup = (options: { startFails?: boolean; sink?: MetricsSink } = {}) => {
  const store = memoryOrdersStore();
  const metrics = options.sink ?? new Metrics({ namespace: 'Shop-test', serviceName: 'orders' });
  let now = PLACED_AT;
  const deps: OrdersDeps = {
    orders: countingOrdersStore(store.store, metrics),
    catalog: {
      getProducts: async (ids) =>
        [product({ id: 'laptop', priceCents: 129_999 }), product({ id: 'mouse', priceCents: 2_550 })].filter((p) =>
          ids.includes(p.id),
        ),
    },
    cartLines: async () => [
      { productId: 'laptop', quantity: 1 },
      { productId: 'mouse', quantity: 2 },
    ],
    startCheckout: async () => {
      if (options.startFails) throw new Error('StartExecution failed');
    },
    publish: async () => undefined,
    outbox: store.outbox,
    now: () => now,
  };
  const later = (seconds: number) => {
    now = new Date(PLACED_AT.getTime() + seconds * 1000);
  };
  return { deps, store, later };
};

const place = (deps: OrdersDeps) => placeOrder(deps, { userId: 'usr_ann', body, correlationId: 'corr-1' });

describe('order metrics (EMF)', () => {
  it('counts a placed order once, a replayed Idempotency-Key not again', async () => {
    const { deps } = setup();
    const input = { userId: 'usr_ann', body, correlationId: 'c', idempotencyKey: 'key-0001' };
    const order = await placeOrderWithKey(deps, input);
    await placeOrderWithKey(deps, input);
    expect(emitted()).toEqual([
      {
        namespace: 'Shop-test',
        name: ORDER_METRICS.placed,
        unit: 'Count',
        value: 1,
        dimensions: { service: 'orders' },
        orderId: order.id,
      },
    ]);
  });

  it('counts a confirmation with its revenue in cents and the checkout duration, once however often the step runs', async () => {
    const { deps, later } = setup();
    const order = await place(deps);
    lines = [];
    later(42);
    await confirmOrder(deps, order.id, 'pay_1');
    await confirmOrder(deps, order.id, 'pay_1');
    expect(emitted()).toEqual([
      {
        namespace: 'Shop-test',
        name: 'OrdersConfirmed',
        unit: 'Count',
        value: 1,
        dimensions: { service: 'orders' },
        orderId: order.id,
      },
      {
        namespace: 'Shop-test',
        name: 'RevenueCents',
        unit: 'None',
        value: 135_099,
        dimensions: { service: 'orders', currency: 'USD' },
        orderId: order.id,
      },
      {
        namespace: 'Shop-test',
        name: 'CheckoutDuration',
        unit: 'Milliseconds',
        value: 42_000,
        dimensions: { service: 'orders', outcome: 'confirmed' },
        orderId: order.id,
      },
    ]);
  });

  it('counts a failure by its reason and times it, once however often the compensation runs', async () => {
    const { deps, later } = setup();
    const order = await place(deps);
    lines = [];
    later(3);
    await failOrder(deps, order.id, 'PAYMENT_DECLINED');
    await failOrder(deps, order.id, 'PAYMENT_DECLINED');
    expect(emitted().map(({ name, value, dimensions }) => ({ name, value, dimensions }))).toEqual([
      { name: 'OrdersFailed', value: 1, dimensions: { service: 'orders', reason: 'PAYMENT_DECLINED' } },
      { name: 'CheckoutDuration', value: 3_000, dimensions: { service: 'orders', outcome: 'failed' } },
    ]);
  });

  it('counts an order that comes to require attention, once however often it is marked', async () => {
    const { deps } = setup();
    const order = await place(deps);
    lines = [];
    await failOrder(deps, order.id, 'PAYMENT_ERROR');
    lines = [];
    const cause = { reason: 'PAYMENT_ERROR', steps: ['RefundPayment'] };
    await requireAttention(deps, order.id, cause);
    await requireAttention(deps, order.id, cause);
    expect(emitted().map(({ name, value, dimensions }) => ({ name, value, dimensions }))).toEqual([
      { name: ORDER_METRICS.requiresAttention, value: 1, dimensions: { service: 'orders' } },
    ]);
  });

  it('counts an order whose checkout could not start as placed and failed (CHECKOUT_NOT_STARTED)', async () => {
    const { deps } = setup({ startFails: true });
    await expect(place(deps)).rejects.toThrow('StartExecution failed');
    expect(emitted().map(({ name, dimensions }) => ({ name, dimensions }))).toEqual([
      { name: 'OrdersPlaced', dimensions: { service: 'orders' } },
      { name: 'OrdersFailed', dimensions: { service: 'orders', reason: 'CHECKOUT_NOT_STARTED' } },
      { name: 'CheckoutDuration', dimensions: { service: 'orders', outcome: 'failed' } },
    ]);
  });

  it('never fails the write it reports', async () => {
    const broken: MetricsSink = new Metrics({ namespace: 'Shop-test', serviceName: 'orders' });
    vi.spyOn(broken, 'publishStoredMetrics').mockImplementation(() => {
      throw new Error('stdout closed');
    });
    const warn = vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
    const { deps, store } = setup({ sink: broken });
    const order = await place(deps);
    await confirmOrder(deps, order.id, 'pay_1');
    expect(store.records.get(order.id)?.status).toBe('CONFIRMED');
    expect(warn).toHaveBeenCalledWith('metric not emitted', expect.objectContaining({ metric: 'OrdersConfirmed' }));
  });

  it('emits nothing when POWERTOOLS_METRICS_DISABLED is set (the sandbox sets it)', async () => {
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'true');
    const { deps } = setup();
    const order = await place(deps);
    await confirmOrder(deps, order.id, 'pay_1');
    expect(emitted()).toEqual([]);
  });
});
