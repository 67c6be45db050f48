/**
 * Soak: BENCH_SOAK_MINUTES (default 5) of checkouts at a fixed rate (BENCH_SOAK_RATE, default 5 a second, started
 * on schedule whatever the earlier ones are doing) with catalog and search reads beside them (10 a second), on a
 * sandbox of its own. Every 30 s it prints the orders confirmed, the reads' p50/p99 in that window and the sandbox
 * process's memory; at the end, the heap at the start and the end (the lowest sample of the first and the last
 * minute: what is left after a collection), the read p99 of the first and last windows, and whether /health
 * answered in time. Not part of `npm test`; `npm run bench` runs it.
 */
import { sampleProducts } from '../../lib/spec/sample-data';
import {
  apiClient,
  benchCustomers,
  MB,
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

const MINUTES = Number(process.env.BENCH_SOAK_MINUTES ?? 5);
const RATE = Number(process.env.BENCH_SOAK_RATE ?? 5);
const READS_PER_SECOND = 10;
const WINDOW_MS = 30_000;
const CUSTOMERS = Math.max(20, RATE * 8);

const sandbox = await startBenchSandbox();
const api = apiClient(sandbox.url);
const loadAtStart = machineLoad();

try {
  await stockSampleProducts(api, await signInAdmin(api), 1_000_000);
  const customers = await benchCustomers(CUSTOMERS);
  const free = [...customers];
  type Customer = (typeof customers)[number];
  const pick = <T>(list: readonly T[]) => list[Math.floor(Math.random() * list.length)] as T;

  let confirmed = 0;
  let failed = 0;
  let skipped = 0;
  /** One customer's checkout, to CONFIRMED and the emptied cart (the customer is free for another then). */
  const checkout = async (customer: Customer) => {
    try {
      const placed = await placeBenchOrder(api, customer, pick(sampleProducts).id);
      const deadline = Date.now() + 60_000;
      await sleep(1000);
      for (;;) {
        const { body } = await api(`/api/v1/orders/${placed.orderId}`, { token: customer.token });
        if (body.status === 'CONFIRMED') break;
        if (body.status !== 'PENDING' || Date.now() > deadline) {
          throw new Error(`order ended ${body.status} ${body.failureReason ?? ''}`);
        }
        await sleep(500);
      }
      while ((await api(`/api/v1/cart/${customer.userId}`, { token: customer.token })).body.itemCount !== 0) {
        if (Date.now() > deadline) throw new Error('the cart was not emptied');
        await sleep(250);
      }
      confirmed++;
    } catch (error) {
      failed++;
      console.error(`checkout failed: ${(error as Error).message}`);
    } finally {
      free.push(customer);
    }
  };

  let reads: number[] = [];
  const read = async () => {
    const product = pick(sampleProducts);
    const paths = [
      '/api/v1/products',
      `/api/v1/products/${product.id}`,
      `/api/v1/search?q=${encodeURIComponent(product.name.split(' ')[0] ?? '')}`,
    ];
    const started = performance.now();
    const reply = await api(pick(paths));
    if (reply.status !== 200) throw new Error(`read failed: ${reply.status}`);
    reads.push(performance.now() - started);
  };

  // Warm-up: every function of the checkout and the reads gets its instances.
  await Promise.all(free.splice(0, 10).map(checkout));
  await Promise.all(Array.from({ length: 20 }, read));
  await waitQuiet(sandbox.url);
  reads = [];
  confirmed = 0;

  const heap: { at: number; heapUsed: number; rss: number }[] = [];
  const windows: { p50: number; p99: number; confirmed: number }[] = [];
  const pending = new Set<Promise<void>>();
  const track = (promise: Promise<void>) => {
    pending.add(promise);
    void promise.finally(() => pending.delete(promise));
  };
  const started = Date.now();
  const end = started + MINUTES * 60_000;
  let nextCheckout = started;
  let nextRead = started;
  let nextWindow = started + WINDOW_MS;
  let nextHeap = started;
  let confirmedBefore = 0;
  while (Date.now() < end) {
    const now = Date.now();
    if (now >= nextCheckout) {
      nextCheckout += 1000 / RATE;
      const customer = free.shift();
      if (customer) track(checkout(customer));
      else skipped++;
    }
    if (now >= nextRead) {
      nextRead += 1000 / READS_PER_SECOND;
      track(read().catch((error: unknown) => console.error((error as Error).message)));
    }
    if (now >= nextHeap) {
      nextHeap += 5_000;
      const { memory } = await sandboxStats(sandbox.url);
      heap.push({ at: now - started, heapUsed: memory.heapUsed, rss: memory.rss });
    }
    if (now >= nextWindow) {
      nextWindow += WINDOW_MS;
      const sorted = [...reads].sort((a, b) => a - b);
      reads = [];
      const window = {
        p50: percentile(sorted, 50),
        p99: percentile(sorted, 99),
        confirmed: confirmed - confirmedBefore,
      };
      confirmedBefore = confirmed;
      windows.push(window);
      const last = heap.at(-1);
      console.log(
        `  ${String(Math.round((now - started) / 1000)).padStart(4)} s: ${window.confirmed} orders confirmed (${(window.confirmed / (WINDOW_MS / 1000)).toFixed(1)}/s), reads p50 ${window.p50.toFixed(0)} ms p99 ${window.p99.toFixed(0)} ms, sandbox heap ${((last?.heapUsed ?? 0) / MB).toFixed(0)} MB, RSS ${((last?.rss ?? 0) / MB).toFixed(0)} MB`,
      );
    }
    await sleep(Math.max(0, Math.min(nextCheckout, nextRead, nextWindow, nextHeap) - Date.now()));
  }
  await Promise.all(pending);
  await waitQuiet(sandbox.url);
  const healthStarted = performance.now();
  const health = await fetch(`${sandbox.url}/health`);
  const healthMs = performance.now() - healthStarted;

  const lowest = (samples: typeof heap) => Math.min(...samples.map((s) => s.heapUsed)) / MB;
  const firstMinute = heap.filter((s) => s.at < 60_000);
  const lastMinute = heap.filter((s) => s.at >= (MINUTES - 1) * 60_000);
  const heapStart = lowest(firstMinute);
  const heapEnd = lowest(lastMinute);
  console.log(
    `\nSoak (${MINUTES} min, ${RATE} checkouts/s scheduled + ${READS_PER_SECOND} reads/s; ${loadAtStart} at the start, ${machineLoad()} at the end)`,
  );
  console.log(`  orders confirmed ${confirmed}, failed ${failed}, not started (no customer free) ${skipped}`);
  console.log(
    `  sandbox heap ${heapStart.toFixed(0)} MB at the start, ${heapEnd.toFixed(0)} MB at the end (${((heapEnd - heapStart) / Math.max(1, MINUTES - 1)).toFixed(1)} MB/min; the lowest sample of the first and last minute)`,
  );
  console.log(
    `  reads p99 ${windows[0]?.p99.toFixed(0)} ms in the first ${WINDOW_MS / 1000} s, ${windows.at(-1)?.p99.toFixed(0)} ms in the last; p50 ${windows[0]?.p50.toFixed(0)} -> ${windows.at(-1)?.p50.toFixed(0)} ms`,
  );
  console.log(`  GET /health after it: ${health.status} in ${healthMs.toFixed(0)} ms`);
} finally {
  await sandbox.stop();
}
