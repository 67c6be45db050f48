/**
 * Search benchmark on the sandbox: a generated catalog of 5,000 products created through the admin
 * API (products per second, target 100), the time until the event-driven indexer has made all of them
 * searchable, the time a full rebuild from the table takes (bin/reindex.ts's path), then search latency
 * p50 / p99 through the API over a mix of typed, misspelt, prefix, filtered and empty queries, 8 at a time
 * (budget p99 50 ms).
 */
import { randomInt } from 'node:crypto';
import { LocalSearchService } from '../../local/search/server';
import {
  apiClient,
  cpuPerUnit,
  cpuSample,
  functionsPerUnit,
  machineLoad,
  percentile,
  sandboxStats,
  signInAdmin,
  startBenchSandbox,
} from './sandbox';

const PRODUCTS = Number(process.env.BENCH_PRODUCTS ?? 5000);
const CREATE_CONCURRENCY = 16;
const SEARCHES = Number(process.env.BENCH_SEARCHES ?? 2000);
const SEARCH_CONCURRENCY = 8;
const CREATE_TARGET = 100;
const SEARCH_P99_BUDGET_MS = 50;

const ADJECTIVES = [
  'Compact',
  'Wireless',
  'Premium',
  'Ergonomic',
  'Portable',
  'Silent',
  'Smart',
  'Rugged',
  'Ultra',
  'Classic',
];
const NOUNS = [
  'Headphones',
  'Keyboard',
  'Monitor',
  'Speaker',
  'Router',
  'Webcam',
  'Laptop',
  'Tablet',
  'Mouse',
  'Charger',
  'Drive',
  'Microphone',
];
const BRANDS = ['TechPro', 'AudioPro', 'NetSpeed', 'ClickMaster', 'ViewMaster', 'SoundWave', 'KeyForce', 'GameForce'];
const CATEGORIES = ['Electronics', 'Computers', 'Peripherals', 'Audio', 'Gaming'];
const QUERIES = [
  'headphones',
  'head',
  'keybord',
  'wireless mouse',
  'premium',
  'ultrabok',
  'router',
  'spea',
  'smart tablet',
  '',
];
const pick = <T>(list: T[]): T => list[randomInt(list.length)] as T;

const sandbox = await startBenchSandbox();
const api = apiClient(sandbox.url);
const loadAtStart = machineLoad();

/** Runs `task` for 0..count-1 with at most `concurrency` at a time. */
const pool = async (count: number, concurrency: number, task: (i: number) => Promise<void>) => {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await task(next++);
    }),
  );
};

try {
  const admin = await signInAdmin(api);
  const before = (await api('/api/v1/search?limit=1')).body.total as number;

  const { dynamodbLocal } = await sandboxStats(sandbox.url);
  const statsBefore = await sandboxStats(sandbox.url);
  const cpuBefore = cpuSample(sandbox.pid, dynamodbLocal.pid);
  const createStarted = performance.now();
  await pool(PRODUCTS, CREATE_CONCURRENCY, async (i) => {
    const reply = await api('/api/v1/products', {
      method: 'POST',
      token: admin,
      json: {
        sku: `BENCH-${i}`,
        name: `${pick(ADJECTIVES)} ${pick(NOUNS)} ${pick(['S', 'X', 'Pro', 'Max', 'Mini'])}${randomInt(100)}`,
        description: `Generated product ${i} for the search benchmark, ${pick(ADJECTIVES).toLowerCase()} and ${pick(ADJECTIVES).toLowerCase()}.`,
        price: randomInt(500, 300_000) / 100,
        category: pick(CATEGORIES),
        brand: pick(BRANDS),
      },
    });
    if (reply.status !== 201) throw new Error(`create ${i} failed: ${reply.status} ${JSON.stringify(reply.body)}`);
  });
  const created = performance.now();
  const createCpu = cpuPerUnit(cpuBefore, cpuSample(sandbox.pid, dynamodbLocal.pid), PRODUCTS);
  const createFunctions = functionsPerUnit(statsBefore, await sandboxStats(sandbox.url), PRODUCTS);
  for (;;) {
    const total = (await api('/api/v1/search?limit=1')).body.total as number;
    if (total >= before + PRODUCTS) break;
    if (performance.now() - created > 120_000)
      throw new Error(`only ${total - before} of ${PRODUCTS} indexed after 2 min`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const indexed = performance.now();

  // A full rebuild from the table into a fresh search service, as bin/reindex.ts does against a domain.
  const search = new LocalSearchService();
  Object.assign(process.env, {
    SEARCH_ENDPOINT: await search.start(),
    CATALOG_TABLE: 'shop-catalog',
  });
  const [{ rebuildIndex }, { catalogSource }, { defaultSearchIndex }] = await Promise.all([
    import('../../functions/search/service'),
    import('../../functions/search/deps'),
    import('../../functions/search/opensearch'),
  ]);
  const rebuildStarted = performance.now();
  const rebuilt = await rebuildIndex(defaultSearchIndex(), catalogSource);
  const rebuildMs = performance.now() - rebuildStarted;
  await search.stop();

  const latencies: number[] = [];
  const searchStatsBefore = await sandboxStats(sandbox.url);
  const searchCpuBefore = cpuSample(sandbox.pid, dynamodbLocal.pid);
  const searchStarted = performance.now();
  await pool(SEARCHES, SEARCH_CONCURRENCY, async () => {
    const params = new URLSearchParams({ q: pick(QUERIES) });
    if (randomInt(3) === 0) params.set('category', pick(CATEGORIES));
    if (randomInt(4) === 0) params.set('minPrice', '100');
    if (randomInt(5) === 0) params.set('sort', 'price');
    const started = performance.now();
    const reply = await api(`/api/v1/search?${params}`);
    latencies.push(performance.now() - started);
    if (reply.status !== 200) throw new Error(`search failed: ${reply.status} ${JSON.stringify(reply.body)}`);
  });
  const searchSeconds = (performance.now() - searchStarted) / 1000;
  const searchCpu = cpuPerUnit(searchCpuBefore, cpuSample(sandbox.pid, dynamodbLocal.pid), SEARCHES);
  const searchFunctions = functionsPerUnit(searchStatsBefore, await sandboxStats(sandbox.url), SEARCHES);
  latencies.sort((a, b) => a - b);

  const createSeconds = (created - createStarted) / 1000;
  const perSecond = PRODUCTS / createSeconds;
  const p99 = percentile(latencies, 99);
  console.log(
    `Search benchmark (${PRODUCTS} generated products + ${before} sample, sandbox: Orama behind the OpenSearch adapter; ${loadAtStart} at the start, ${machineLoad()} at the end)`,
  );
  console.log(
    `  create through POST /products (${CREATE_CONCURRENCY} concurrent): ${createSeconds.toFixed(1)} s = ${perSecond.toFixed(0)} products/s; target ${CREATE_TARGET}: ${perSecond >= CREATE_TARGET ? 'met' : 'NOT met'}`,
  );
  console.log(`    CPU per product ${createCpu}`);
  console.log(`    per product ${createFunctions}`);
  console.log(
    `  all searchable (event-driven indexer) ${((indexed - created) / 1000).toFixed(2)} s after the last create; ${((indexed - createStarted) / 1000).toFixed(1)} s in all`,
  );
  console.log(
    `  full rebuild from the table (${rebuilt.indexed} products, bulk, into a new index behind the alias; then ${rebuilt.resynced} changed in the last minute brought over from a table scan): ${(rebuildMs / 1000).toFixed(2)} s`,
  );
  console.log(
    `  GET /search x${SEARCHES} (${SEARCH_CONCURRENCY} concurrent): p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, ${(SEARCHES / searchSeconds).toFixed(0)} searches/s; p99 budget ${SEARCH_P99_BUDGET_MS} ms: ${p99 <= SEARCH_P99_BUDGET_MS ? 'met' : 'NOT met'}`,
  );
  console.log(`    CPU per search ${searchCpu}`);
  console.log(`    per search ${searchFunctions}`);
} finally {
  await sandbox.stop();
}
