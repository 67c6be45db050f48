/**
 * Checkout benchmark on a sandbox of its own, 20 concurrent customers each checking out one order after another
 * (add to cart, POST /orders, wait for CONFIRMED and the emptied cart): first one popular SKU that every order
 * reserves (p99 from POST /orders to CONFIRMED; budget 1 s), then a mixed catalog, each order one of the sample
 * products (orders per second; target 25). Then the AWS calls one checkout makes, and DynamoDB Local's own rate
 * for that mix in the same run (test/bench/dynamodb-rate.ts), so each figure is also a share of what the
 * database alone allows on this machine. The time to CONFIRMED is the order history's own timestamp, so
 * customers look at their orders a few times per checkout instead of polling hard (which would load the sandbox
 * more than the checkouts do). A warm-up round first: cold starts are another benchmark's figure.
 * BENCH_CUSTOMERS and BENCH_ORDERS_EACH change the load.
 */
import { sampleProducts } from '../../lib/spec/sample-data';
import { dynamoLocalRate } from './dynamodb-rate';
import {
  apiClient,
  benchCustomers,
  cpuPerUnit,
  cpuSample,
  functionsPerUnit,
  machineLoad,
  percentile,
  placeBenchOrder,
  sandboxStats,
  signInAdmin,
  sleep,
  startBenchSandbox,
  stockSampleProducts,
  waitQuiet,
} from './sandbox';

const CUSTOMERS = Number(process.env.BENCH_CUSTOMERS ?? 20);
const ORDERS_EACH = Number(process.env.BENCH_ORDERS_EACH ?? 8);
const COST_SAMPLE = 10;
const POPULAR = { productId: 'prod-ssd-001', sku: 'SSD-001' };
const P99_BUDGET_MS = 1000;
const MIXED_TARGET = 25;

const sandbox = await startBenchSandbox();
const api = apiClient(sandbox.url);
const loadAtStart = machineLoad();

try {
  await stockSampleProducts(api, await signInAdmin(api), 1_000_000);
  const customers = await benchCustomers(CUSTOMERS);
  const { dynamodbLocal } = await sandboxStats(sandbox.url);
  type Customer = (typeof customers)[number];

  const place = (customer: Customer, productId: string) => placeBenchOrder(api, customer, productId);

  /** Milliseconds from POST /orders to CONFIRMED, from the order's history; then waits for the emptied cart. */
  const settle = async (customer: Customer, { orderId, started }: { orderId: string; started: number }) => {
    const deadline = Date.now() + 60_000;
    // The saga takes a few hundred milliseconds: look then, and every 250 ms after (the history tells the time).
    await sleep(300);
    let confirmedAt: number | undefined;
    while (confirmedAt === undefined) {
      const { body } = await api(`/api/v1/orders/${orderId}`, { token: customer.token });
      if (body.status === 'CONFIRMED') {
        const entry = (body.history as { status: string; at: string }[]).find((e) => e.status === 'CONFIRMED');
        confirmedAt = Date.parse(entry?.at ?? '');
      } else if (body.status !== 'PENDING') throw new Error(`order ${orderId} ended ${body.status}`);
      else if (Date.now() > deadline) throw new Error(`order ${orderId} still PENDING after 60 s`);
      else await sleep(250);
    }
    // The cart is emptied by the OrderConfirmed rule: the next order waits for it.
    while ((await api(`/api/v1/cart/${customer.userId}`, { token: customer.token })).body.itemCount !== 0) {
      if (Date.now() > deadline) throw new Error(`the cart of ${customer.userId} was not emptied`);
      await sleep(100);
    }
    return confirmedAt - started;
  };

  /** Every customer checks out `each` orders one after the other, of the product `pick` chooses. */
  const round = async (each: number, pick: () => string) => {
    const latencies: number[] = [];
    const statsBefore = await sandboxStats(sandbox.url);
    const before = cpuSample(sandbox.pid, dynamodbLocal.pid);
    const started = performance.now();
    await Promise.all(
      customers.map(async (customer) => {
        for (let i = 0; i < each; i++) latencies.push(await settle(customer, await place(customer, pick())));
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    return {
      orders: latencies.length,
      seconds,
      perSecond: latencies.length / seconds,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      cpu: cpuPerUnit(before, cpuSample(sandbox.pid, dynamodbLocal.pid), latencies.length),
      functions: functionsPerUnit(statsBefore, await sandboxStats(sandbox.url), latencies.length),
    };
  };
  const anyProduct = () => sampleProducts[Math.floor(Math.random() * sampleProducts.length)]?.id as string;

  // Warm-up: every function the checkout runs gets its instances.
  await round(2, anyProduct);
  await waitQuiet(sandbox.url);
  const popular = await round(ORDERS_EACH, () => POPULAR.productId);
  await waitQuiet(sandbox.url);
  const mixed = await round(ORDERS_EACH, anyProduct);

  // Cost: calls counted at the sandbox while COST_SAMPLE checkouts run without anyone looking, until quiet.
  await waitQuiet(sandbox.url);
  await fetch(`${sandbox.url}/_aws/stats`, { method: 'DELETE' });
  const transitionsBefore = (await sandboxStats(sandbox.url)).workflows.stateTransitions;
  await Promise.all(customers.slice(0, COST_SAMPLE).map((customer) => place(customer, POPULAR.productId)));
  const { calls, workflows } = await waitQuiet(sandbox.url);
  const transitions = workflows.stateTransitions - transitionsBefore;

  const dynamoMix = Object.fromEntries(
    Object.entries(calls.dynamodb ?? {}).map(([operation, count]) => [operation, count / COST_SAMPLE]),
  );
  const rate = await dynamoLocalRate(dynamodbLocal.endpoint, dynamoMix, { clients: CUSTOMERS });
  const share = (perSecond: number) => `${((100 * perSecond) / rate.checkoutsPerSecond).toFixed(0)}%`;

  console.log(
    `\nCheckout benchmark (sandbox, ${CUSTOMERS} concurrent customers x ${ORDERS_EACH} orders each; ${loadAtStart} at the start, ${machineLoad()} at the end)`,
  );
  const line = (name: string, r: typeof popular, verdict: string) =>
    console.log(
      `  ${name.padEnd(26)} ${r.orders} in ${r.seconds.toFixed(1)} s = ${r.perSecond.toFixed(1)} orders/s (${share(r.perSecond)} of DynamoDB Local's rate); POST -> CONFIRMED p50 ${r.p50.toFixed(0)} ms, p99 ${r.p99.toFixed(0)} ms; ${verdict}`,
    );
  line(
    `one popular SKU (${POPULAR.sku})`,
    popular,
    `p99 budget ${P99_BUDGET_MS} ms: ${popular.p99 <= P99_BUDGET_MS ? 'met' : 'NOT met'}`,
  );
  line(
    `mixed catalog (${sampleProducts.length} SKUs)`,
    mixed,
    `target ${MIXED_TARGET} orders/s: ${mixed.perSecond >= MIXED_TARGET ? 'met' : 'NOT met'}`,
  );
  console.log(`  CPU per order, popular SKU  ${popular.cpu}`);
  console.log(`  CPU per order, mixed        ${mixed.cpu}`);
  console.log(`  per order, mixed            ${mixed.functions}`);
  console.log(
    `  DynamoDB Local alone        ${rate.requestsPerSecond.toFixed(0)} requests/s with ${CUSTOMERS} clients = ${rate.checkoutsPerSecond.toFixed(1)} checkouts/s (${rate.requestsPerCheckout} requests each, the mix below)`,
  );
  console.log(
    `\nAWS API calls per checkout (add to cart + POST /orders + saga + event consumers), mean of ${COST_SAMPLE}:`,
  );
  for (const [service, operations] of Object.entries(calls)) {
    const sum = Object.values(operations).reduce((a, b) => a + b, 0);
    const detail = Object.entries(operations)
      .map(([operation, count]) => `${operation} ${(count / COST_SAMPLE).toFixed(1)}`)
      .join(', ');
    console.log(`  ${service.padEnd(16)} ${(sum / COST_SAMPLE).toFixed(1).padStart(5)}  (${detail})`);
  }
  console.log(
    `  state transitions ${(transitions / COST_SAMPLE).toFixed(1).padStart(4)}  (Step Functions Standard bills per transition)`,
  );
} finally {
  await sandbox.stop();
}
