import path from 'node:path';
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  ATTENTION_STEPS,
  type CheckoutInput,
  confirmOrder,
  failOrder,
  type OrdersDeps,
  requireAttention,
} from '../../../functions/orders/service';
import type { OrderRecord } from '../../../functions/orders/store';
import { CheckoutStalledError } from '../../../functions/shared/errors';
import type { DomainEvent } from '../../../functions/shared/events';
import type { FunctionSpec } from '../../../lib/spec/bindings';
import { checkout } from '../../../lib/spec/state-machines';
import { InjectedFaultError } from '../../../local/faults';
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

type State = {
  orderId: string;
  mode?: CheckoutInput['mode'];
  failure?: { reason: string };
} & Record<string, unknown>;
type Step = (state: State) => Promise<unknown>;

interface RunOptions {
  /** Plays the ConfirmOrder function, attempt by attempt (default: the real step). */
  confirm?: ConfirmAttempt;
  /** Stand-ins replacing the default ones, by the step's handler name (`refund-payment`). */
  steps?: Record<string, Step>;
  /** Added to the execution's input (a later run's mode, its failure). */
  input?: Partial<CheckoutInput>;
}

/** Runs one execution to its end; the orders steps run their real code over an in-memory table. */
const runCheckout = async (order: OrderRecord, options: RunOptions = {}) => {
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
    outbox: store.outbox,
    now: () => new Date(NOW),
  };
  const calls: string[] = [];
  let confirmAttempts = 0;
  const confirm = options.confirm ?? ((stepDeps, _attempt, state) => confirmOrder(stepDeps, state.orderId, 'pay_1'));
  const steps: Record<string, Step> = {
    'reserve-stock': async (state) => ({ orderId: state.orderId, lines: [] }),
    'charge-payment': async () => ({ paymentId: 'pay_1', status: 'SUCCEEDED' }),
    'confirm-order': (state) => confirm(deps, ++confirmAttempts, state),
    'commit-stock': async (state) => ({ orderId: state.orderId, lines: [] }),
    'refund-payment': async () => ({ refunded: true }),
    'release-stock': async (state) => ({ orderId: state.orderId, lines: [] }),
    'fail-order': (state) => failOrder(deps, state.orderId, state.failure?.reason ?? 'CHECKOUT_FAILED'),
    'require-attention': (state) =>
      requireAttention(deps, state.orderId, {
        reason: state.failure?.reason ?? 'STEP_FAILED',
        steps: Object.entries(ATTENTION_STEPS).flatMap(([path, step]) => (state[path] ? [step] : [])),
      }),
    ...options.steps,
  };
  const service = new StepFunctionsService({
    region: REGION,
    accountId: ACCOUNT,
    machines: [checkout],
    rootDir: ROOT,
    invoke: async (fn: FunctionSpec, event) => {
      const name = fn.handler.split('/').at(-1) ?? fn.handler;
      calls.push(name);
      const step = steps[name];
      if (!step) throw new Error(`no stand-in for ${fn.handler}`);
      return step(event as State);
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
    input: JSON.stringify({
      orderId: order.id,
      userId: order.userId,
      correlationId: order.correlationId,
      lines: order.lines,
      ...options.input,
    }),
  });
  await service.idle();
  const executionArn = started.executionArn;
  const execution = await call('DescribeExecution', { executionArn });
  const history = (await call('GetExecutionHistory', { executionArn, maxResults: 1000 })).events as HistoryEvent[];
  return { execution, history, calls, stored: store.records.get(order.id), published };
};

/** A step that keeps failing, as the sandbox's injected faults make one fail (retried without the waits). */
const keepsFailing: Step = async () => {
  throw new InjectedFaultError('the refund provider is down');
};

describe('the checkout saga, when ConfirmOrder timed out after its write', () => {
  it('retries the confirmation, finds the order confirmed, and commits: no refund, no release, one OrderConfirmed', async () => {
    const { execution, history, calls, stored, published } = await runCheckout(pending('ord_late_answer'), {
      confirm: async (deps, attempt, state) => {
        const result = await confirmOrder(deps, state.orderId, 'pay_1');
        // The write is done, but the answer never reaches Step Functions.
        if (attempt === 1) throw new TimedOutError('functions/orders/handlers/saga/confirm-order timed out');
        return result;
      },
    });
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
    const { execution, calls, stored, published } = await runCheckout(pending('ord_late_write'), {
      confirm: async (deps, attempt, state) => {
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
    });
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
    const { execution, calls, stored } = await runCheckout(cancelled);
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
    const { execution, calls, stored } = await runCheckout(pending('ord_confirmed_after_all'), {
      confirm: async (deps, _attempt, state) => {
        // Every answer is lost; the first write went through.
        await confirmOrder(deps, state.orderId, 'pay_1');
        throw Object.assign(new Error('unreachable'), { name: 'InvalidTransitionError' });
      },
    });
    expect(execution.status).toBe('SUCCEEDED');
    expect(calls).toEqual(['reserve-stock', 'charge-payment', 'confirm-order', 'fail-order', 'commit-stock']);
    expect(stored?.status).toBe('CONFIRMED');
  });
});

describe('the checkout saga never dead-ends', () => {
  it('fails an order refused for want of stock without undoing anything', async () => {
    const { execution, calls, stored } = await runCheckout(pending('ord_out_of_stock'), {
      steps: {
        'reserve-stock': async () => {
          throw Object.assign(new Error('no stock'), { name: 'OutOfStockError' });
        },
      },
    });
    expect(execution).toMatchObject({ status: 'FAILED', error: 'CheckoutFailed' });
    expect(calls).toEqual(['reserve-stock', 'fail-order']);
    expect(stored).toMatchObject({ status: 'FAILED', failureReason: 'OUT_OF_STOCK' });
  });

  it('gives the stock of a declined payment back, then fails the order', async () => {
    const { calls, stored, published } = await runCheckout(pending('ord_declined'), {
      steps: {
        'charge-payment': async () => {
          throw Object.assign(new Error('declined'), { name: 'PaymentDeclinedError' });
        },
      },
    });
    expect(calls).toEqual(['reserve-stock', 'charge-payment', 'release-stock', 'fail-order']);
    expect(stored).toMatchObject({ status: 'FAILED', failureReason: 'PAYMENT_DECLINED' });
    expect(published.map((event) => event.detailType)).toEqual(['OrderFailed']);
  });

  it('marks the order REQUIRES_ATTENTION when a refund keeps failing, after releasing its stock all the same', async () => {
    const { execution, calls, stored, published } = await runCheckout(pending('ord_refund_fails'), {
      confirm: async () => {
        throw Object.assign(new Error('cancelled'), { name: 'InvalidTransitionError' });
      },
      steps: { 'refund-payment': keepsFailing },
    });
    expect(execution).toMatchObject({ status: 'FAILED', error: 'CheckoutNeedsAttention' });
    const refunds = calls.filter((call) => call === 'refund-payment').length;
    expect(refunds).toBe(9);
    expect(calls.slice(-3)).toEqual(['release-stock', 'fail-order', 'require-attention']);
    expect(stored).toMatchObject({
      status: 'REQUIRES_ATTENTION',
      attention: { from: 'FAILED', reason: 'ORDER_NOT_CONFIRMABLE', steps: ['RefundPayment'] },
    });
    expect(published.map((event) => event.detailType)).toEqual(['OrderFailed', 'OrderRequiresAttention']);
  });

  it.each([
    ['release-stock', 'ReleaseStock', 'PAYMENT_DECLINED'],
    ['fail-order', 'FailOrder', 'PAYMENT_DECLINED'],
  ])('marks it so when %s keeps failing too', async (handler, step, reason) => {
    const { execution, stored } = await runCheckout(pending(`ord_${handler}_fails`), {
      steps: {
        'charge-payment': async () => {
          throw Object.assign(new Error('declined'), { name: 'PaymentDeclinedError' });
        },
        [handler]: keepsFailing,
      },
    });
    expect(execution).toMatchObject({ status: 'FAILED', error: 'CheckoutNeedsAttention' });
    expect(stored?.attention).toMatchObject({ reason, steps: [step] });
  });

  it('marks a confirmed order whose stock cannot be committed: it stays paid, an admin retries the commit', async () => {
    const { execution, stored } = await runCheckout(pending('ord_commit_fails'), {
      steps: { 'commit-stock': keepsFailing },
    });
    expect(execution).toMatchObject({ status: 'FAILED', error: 'CheckoutNeedsAttention' });
    expect(stored).toMatchObject({
      status: 'REQUIRES_ATTENTION',
      attention: { from: 'CONFIRMED', steps: ['CommitStock'] },
    });
  });
});

describe('later runs of the checkout', () => {
  const stalled: Step = async (state) => {
    if (state.mode !== 'resume') throw new Error('a resumed checkout only');
    throw new CheckoutStalledError(state.orderId, 'ReserveStock');
  };

  it('resume: confirms an order that was reserved and charged, taking no new step', async () => {
    const { execution, calls, stored } = await runCheckout(pending('ord_resumed'), { input: { mode: 'resume' } });
    expect(execution.status).toBe('SUCCEEDED');
    expect(calls).toEqual(['reserve-stock', 'charge-payment', 'confirm-order', 'commit-stock']);
    expect(stored?.status).toBe('CONFIRMED');
  });

  it('resume: fails an order that had not been reserved (CHECKOUT_ABANDONED) and gives back what it holds', async () => {
    const { execution, calls, stored } = await runCheckout(pending('ord_abandoned'), {
      input: { mode: 'resume' },
      steps: { 'reserve-stock': stalled },
    });
    expect(execution).toMatchObject({ status: 'FAILED', error: 'CheckoutFailed' });
    expect(calls).toEqual(['reserve-stock', 'fail-order', 'refund-payment', 'release-stock', 'fail-order']);
    expect(stored).toMatchObject({ status: 'FAILED', failureReason: 'CHECKOUT_ABANDONED' });
  });

  it('settle: refunds and releases a cancelled order whose checkout is gone, which stays CANCELLED', async () => {
    const cancelled = { ...pending('ord_settled'), status: 'CANCELLED' as const };
    const { calls, stored } = await runCheckout(cancelled, {
      input: { mode: 'settle', failure: { reason: 'CANCELLED' } },
    });
    expect(calls).toEqual(['fail-order', 'refund-payment', 'release-stock', 'fail-order']);
    expect(stored?.status).toBe('CANCELLED');
  });

  it('settle: commits the stock of a confirmed order an admin resolved', async () => {
    const confirmed = { ...pending('ord_recommitted'), status: 'CONFIRMED' as const };
    const { execution, calls } = await runCheckout(confirmed, { input: { mode: 'settle', failure: { reason: 'X' } } });
    expect(execution.status).toBe('SUCCEEDED');
    expect(calls).toEqual(['fail-order', 'commit-stock']);
  });
});
