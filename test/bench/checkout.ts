/**
 * Checkout benchmark on the sandbox: orders per second and the latency from POST /orders to
 * CONFIRMED with 20 concurrent customers, then the AWS API calls one checkout makes, by service
 * and operation, as counted at the sandbox's endpoints.
 */
import { apiClient, benchCustomers, percentile, startBenchSandbox } from './sandbox';

const CUSTOMERS = 20;
const ORDERS_EACH = Number(process.env.BENCH_ORDERS_EACH ?? 5);
const COST_SAMPLE = 10;
const PRODUCT = { id: 'prod-ssd-001', sku: 'SSD-001' };
const address = { name: 'Bench', line1: '1 Main Street', city: 'Springfield', postalCode: '12345', country: 'US' };

const sandbox = await startBenchSandbox();
const api = apiClient(sandbox.url);

try {
  const admin = (
    await api('/api/v1/auth/login', {
      method: 'POST',
      json: { email: 'admin@ecommerce.local', password: 'admin123' },
    })
  ).body.token as string;
  await api(`/api/v1/inventory/${PRODUCT.sku}`, { method: 'PUT', token: admin, json: { available: 1_000_000 } });
  const customers = await benchCustomers(CUSTOMERS);

  const checkout = async (customer: { userId: string; token: string }) => {
    await api(`/api/v1/cart/${customer.userId}/items`, {
      method: 'POST',
      token: customer.token,
      json: { productId: PRODUCT.id, quantity: 1 },
    });
    const started = performance.now();
    const placed = await api('/api/v1/orders', {
      method: 'POST',
      token: customer.token,
      json: { shippingAddress: address, paymentMethod: { type: 'card', token: 'tok_visa' } },
    });
    if (placed.status !== 202) throw new Error(`order refused: ${placed.status} ${JSON.stringify(placed.body)}`);
    return { orderId: placed.body.id as string, started };
  };

  const waitCartEmpty = async (customer: { userId: string; token: string }) => {
    const deadline = performance.now() + 30_000;
    while ((await api(`/api/v1/cart/${customer.userId}`, { token: customer.token })).body.itemCount !== 0) {
      if (performance.now() > deadline) throw new Error(`the cart of ${customer.userId} was not emptied in 30 s`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  };

  /** Waits until no execution runs and the bus has no delivery pending; answers the stats seen then. */
  const quiet = async () => {
    const deadline = performance.now() + 120_000;
    for (;;) {
      const stats = (await (await fetch(`${sandbox.url}/_aws/stats`)).json()) as {
        calls: unknown;
        events: { pending: number };
        workflows: { running: number };
      };
      if (stats.events.pending === 0 && stats.workflows.running === 0) return stats;
      if (performance.now() > deadline) throw new Error('the sandbox did not go quiet in 2 min');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };

  const waitConfirmed = async (orderId: string, token: string) => {
    for (;;) {
      const { body } = await api(`/api/v1/orders/${orderId}`, { token });
      if (body.status === 'CONFIRMED') return performance.now();
      if (body.status !== 'PENDING') throw new Error(`order ${orderId} ended ${body.status}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  };

  // Throughput and latency: every customer checks out ORDERS_EACH times, one after the other.
  const latencies: number[] = [];
  const wallStart = performance.now();
  await Promise.all(
    customers.map(async (customer) => {
      for (let i = 0; i < ORDERS_EACH; i++) {
        const { orderId, started } = await checkout(customer);
        latencies.push((await waitConfirmed(orderId, customer.token)) - started);
        // The cart is emptied by the OrderConfirmed rule: wait for it before the next add.
        await waitCartEmpty(customer);
      }
    }),
  );
  const wallSeconds = (performance.now() - wallStart) / 1000;
  latencies.sort((a, b) => a - b);

  // Cost: calls counted at the sandbox while COST_SAMPLE checkouts run without polling, until quiet.
  await quiet();
  await fetch(`${sandbox.url}/_aws/stats`, { method: 'DELETE' });
  const workflowsBefore = (
    (await (await fetch(`${sandbox.url}/_aws/stats`)).json()) as { workflows: { stateTransitions: number } }
  ).workflows.stateTransitions;
  const sample = customers.slice(0, COST_SAMPLE);
  await Promise.all(sample.map((customer) => checkout(customer)));
  const { calls } = (await quiet()) as { calls: Record<string, Record<string, number>> };
  const transitions =
    ((await (await fetch(`${sandbox.url}/_aws/stats`)).json()) as { workflows: { stateTransitions: number } }).workflows
      .stateTransitions - workflowsBefore;

  console.log(`\nCheckout benchmark (sandbox, ${CUSTOMERS} concurrent customers x ${ORDERS_EACH} orders each)`);
  console.log(
    `  orders confirmed        ${latencies.length} in ${wallSeconds.toFixed(1)} s = ${(latencies.length / wallSeconds).toFixed(1)} orders/s`,
  );
  console.log(
    `  POST -> CONFIRMED       p50 ${percentile(latencies, 50).toFixed(0)} ms, p99 ${percentile(latencies, 99).toFixed(0)} ms, max ${latencies.at(-1)?.toFixed(0)} ms`,
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
