import path from 'node:path';
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { confirmOrder, failOrder, type OrdersDeps } from '../../../functions/orders/service';
import type { OrderRecord } from '../../../functions/orders/store';
import type { DomainEvent } from '../../../functions/shared/events';
import type { FunctionSpec } from '../../../lib/spec/bindings';
import { checkout } from '../../../lib/spec/state-machines';
import { StepFunctionsService } from '../../../local/stepfunctions/service';
import { memoryOrdersStore } from './fake-store';

// The checkout saga as deployed (state-machines/checkout.asl.json), run by the sandbox's Step Functions with the
// orders steps' real code over an in-memory table; the other contexts' steps are stand-ins that succeed.
const ROOT = path.resolve(import.meta.dirname, '../../..');
const REGION = 'us-east-1';
const ACCOUNT = '000000000000';
const NOW = '2026-03-01T12:00:00.000Z';

/** What Lambda reports to Step Functions for a function that ran out of time (see local/lambda). */
class TimedOutError extends Error {
  override name = 'Sandbox.Timedout';
}

const pending = (id: string): OrderRecord => ({
  id,
  userId: 'usr_ann',
  status: 'PENDING',
  lines: [
    { productId: 'mouse', sku: 'MOUSE-001', name: 'Mouse', quantity: 2, unitPriceCents: 2_550, lineTotalCents: 5_100 },
  ],
  currency: 'USD',
  totalCents: 5_100,
  shippingAddress: { name: 'Ann', line1: '1 Main St', city: 'Springfield', postalCode: '12345', country: 'US' },
  paymentMethod: { type: 'card', token: 'tok_visa' },
  history: [{ status: 'PENDING', at: NOW }],
  correlationId: 'corr-1',
  createdAt: NOW,
  updatedAt: NOW,
});

const services: StepFunctionsService[] = [];
afterEach(async () => {
  for (const service of services.splice(0)) await service.stop();
});

// asl-validator takes about a second per definition and process: paid once, here.
beforeAll(() => {
  services.push(
    new StepFunctionsService({
      region: REGION,
      accountId: ACCOUNT,
      machines: [checkout],
      rootDir: ROOT,
      invoke: async () => null,
    }),
  );
}, 60_000);

type ConfirmAttempt = (deps: OrdersDeps, attempt: number, state: { orderId: string }) => Promise<unknown>;

/** Runs one checkout to its end; `confirm` plays the ConfirmOrder function, attempt by attempt. */
const runCheckout = async (order: OrderRecord, confirm: ConfirmAttempt) => {
  const store = memoryOrdersStore([order]);
  const published: DomainEvent[] = [];
  const deps: OrdersDeps = {
    orders: store.store,
    catalog: { getProducts: async () => [] },
    cartLines: async () => [],
    startCheckout: async () => undefined,
    publish: async (...events) => {
      published.push(...events);
    },
    now: () => new Date(NOW),
  };
  const calls: string[] = [];
  let confirmAttempts = 0;
  const steps: Record<string, (state: { orderId: string; failure?: { reason: string } }) => Promise<unknown>> = {
    'inventory/handlers/saga/reserve-stock': async (state) => ({ orderId: state.orderId, lines: [] }),
    'payments/handlers/saga/charge-payment': async () => ({ paymentId: 'pay_1', status: 'SUCCEEDED' }),
    'orders/handlers/saga/confirm-order': (state) => confirm(deps, ++confirmAttempts, state),
    'inventory/handlers/saga/commit-stock': async (state) => ({ orderId: state.orderId, lines: [] }),
    'payments/handlers/saga/refund-payment': async () => ({ refunded: true }),
    'inventory/handlers/saga/release-stock': async (state) => ({ orderId: state.orderId, lines: [] }),
    'orders/handlers/saga/fail-order': (state) =>
      failOrder(deps, state.orderId, state.failure?.reason ?? 'CHECKOUT_FAILED'),
  };
  const service = new StepFunctionsService({
    region: REGION,
    accountId: ACCOUNT,
    machines: [checkout],
    rootDir: ROOT,
    invoke: async (fn: FunctionSpec, event) => {
      calls.push(fn.handler.split('/').at(-1) ?? fn.handler);
      const step = steps[fn.handler];
      if (!step) throw new Error(`no stand-in for ${fn.handler}`);
      return step(event as { orderId: string });
    },
  });
  services.push(service);
  const call = async (operation: string, body: Record<string, unknown>) =>
    JSON.parse(
      (
        await service.handle({
          target: `AWSStepFunctions.${operation}`,
          headers: {},
          body: JSON.stringify(body),
        })
      ).body,
    ) as Record<string, unknown>;
  const started = await call('StartExecution', {
    stateMachineArn: `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${checkout.name}`,
    name: order.id,
    input: JSON.stringify({ orderId: order.id, userId: order.userId, correlationId: order.correlationId }),
  });
  await service.idle();
  const executionArn = started.executionArn;
  const execution = await call('DescribeExecution', { executionArn });
  const history = (await call('GetExecutionHistory', { executionArn, maxResults: 1000 })).events as HistoryEvent[];
  return { execution, history, calls, stored: store.records.get(order.id), published };
};

describe('the checkout saga, when ConfirmOrder timed out after its write', () => {
  it('retries the confirmation, finds the order confirmed, and commits: no refund, no release, one OrderConfirmed', async () => {
    const { execution, history, calls, stored, published } = await runCheckout(
      pending('ord_late_answer'),
      async (deps, attempt, state) => {
        const result = await confirmOrder(deps, state.orderId, 'pay_1');
        // The write is done, but the answer never reaches Step Functions.
        if (attempt === 1) throw new TimedOutError('functions/orders/handlers/saga/confirm-order timed out');
        return result;
      },
    );
    expect(execution.status).toBe('SUCCEEDED');
    expect(calls).toEqual(['reserve-stock', 'charge-payment', 'confirm-order', 'confirm-order', 'commit-stock']);
    const failed = history.find((event) => event.type === 'LambdaFunctionFailed');
    expect(failed?.lambdaFunctionFailedEventDetails?.error).toBe('Sandbox.Timedout');
    expect(stored).toMatchObject({ status: 'CONFIRMED', paymentId: 'pay_1' });
    expect(stored?.history.map((entry) => entry.status)).toEqual(['PENDING', 'CONFIRMED']);
    expect(published.map((event) => event.detailType)).toEqual(['OrderConfirmed']);
  });

  it('also when the timed-out write lands while the retry runs, between its read and its own write', async () => {
    let lateWrite: Promise<unknown> | undefined;
    const { execution, calls, stored, published } = await runCheckout(
      pending('ord_late_write'),
      async (deps, attempt, state) => {
        if (attempt === 1) {
          // The first attempt's write is held up (DynamoDB paused) past the function's timeout...
          const held = deps.orders.get;
          let landed = false;
          deps.orders = {
            ...deps.orders,
            get: async (id) => {
              const seen = await held(id);
              if (!landed) {
                landed = true;
                // ...and lands just after the retry read the order.
                lateWrite = confirmOrder({ ...deps, orders: { ...deps.orders, get: held } }, id, 'pay_1');
                await lateWrite;
              }
              return seen;
            },
          };
          throw new TimedOutError('functions/orders/handlers/saga/confirm-order timed out');
        }
        return confirmOrder(deps, state.orderId, 'pay_1');
      },
    );
    expect(lateWrite).toBeDefined();
    expect(execution.status).toBe('SUCCEEDED');
    expect(calls).toEqual(['reserve-stock', 'charge-payment', 'confirm-order', 'confirm-order', 'commit-stock']);
    expect(stored?.status).toBe('CONFIRMED');
    expect(stored?.history.map((entry) => entry.status)).toEqual(['PENDING', 'CONFIRMED']);
    expect(published.filter((event) => event.detailType === 'OrderConfirmed')).toHaveLength(1);
  });

  it('compensates an order cancelled before it could be confirmed: refund, release, the order stays CANCELLED', async () => {
    const cancelled = { ...pending('ord_cancelled'), status: 'CANCELLED' as const };
    cancelled.history = [...cancelled.history, { status: 'CANCELLED', at: NOW, by: 'usr_ann' }];
    const { execution, calls, stored } = await runCheckout(cancelled, (deps, _attempt, state) =>
      confirmOrder(deps, state.orderId, 'pay_1'),
    );
    expect(execution).toMatchObject({ status: 'FAILED', error: 'CheckoutFailed' });
    expect(calls).toEqual([
      'reserve-stock',
      'charge-payment',
      'confirm-order',
      'fail-order',
      'refund-payment',
      'release-stock',
      'fail-order',
    ]);
    expect(stored?.status).toBe('CANCELLED');
  });

  it('never compensates an order that turns out confirmed after every attempt of ConfirmOrder failed', async () => {
    const { execution, calls, stored } = await runCheckout(
      pending('ord_confirmed_after_all'),
      async (deps, _attempt, state) => {
        // Every answer is lost; the first write went through.
        await confirmOrder(deps, state.orderId, 'pay_1');
        throw Object.assign(new Error('unreachable'), { name: 'InvalidTransitionError' });
      },
    );
    expect(execution.status).toBe('SUCCEEDED');
    expect(calls).toEqual(['reserve-stock', 'charge-payment', 'confirm-order', 'fail-order', 'commit-stock']);
    expect(stored?.status).toBe('CONFIRMED');
  });
});
