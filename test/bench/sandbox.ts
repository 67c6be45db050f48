import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { sampleProducts } from '../../lib/spec/sample-data';
import { createBulkCustomers, sandboxAwsEnvironment } from '../support/bulk-customers';
import { spawnSandbox } from '../support/spawn-sandbox';

export interface BenchSandbox {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/** A sandbox of its own for a benchmark: rate limits off (every request comes from 127.0.0.1). */
export const startBenchSandbox = async (env: Record<string, string> = {}): Promise<BenchSandbox> => {
  const sandbox = await spawnSandbox(
    'bench',
    {
      RATE_LIMITS: 'off',
      // Scheduled rules once a day: the outbox sweeper's query every minute is no checkout's cost.
      SANDBOX_SCHEDULE_SECONDS: '86400',
      ...env,
    },
    { echoErrors: true },
  );
  Object.assign(process.env, sandboxAwsEnvironment(sandbox.url));
  return { url: sandbox.url, pid: sandbox.pid, stop: sandbox.stop };
};

export const benchCustomers = (count: number) => createBulkCustomers(count, 'bench');

export const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;

/** JSON over HTTP to a sandbox: a bearer token and a JSON body when given; the parsed reply. */
export const apiClient =
  (baseUrl: string) =>
  async (path: string, init: RequestInit & { token?: string; json?: unknown } = {}) => {
    const { token, json, ...rest } = init;
    const response = await fetch(`${baseUrl}${path}`, {
      ...rest,
      headers: {
        ...(token && { Authorization: `Bearer ${token}` }),
        ...(json !== undefined && { 'Content-Type': 'application/json' }),
      },
      ...(json !== undefined && { body: JSON.stringify(json) }),
    });
    const text = await response.text();
    // biome-ignore lint/suspicious/noExplicitAny: benchmark replies are read ad hoc
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as any };
  };

export type BenchApi = ReturnType<typeof apiClient>;

/** The sample admin's token (the sandbox's demo account). */
export const signInAdmin = async (api: BenchApi): Promise<string> =>
  (await api('/api/v1/auth/login', { method: 'POST', json: { email: 'admin@ecommerce.local', password: 'admin123' } }))
    .body.token as string;

/** Gives every sample product `available` units, so that a benchmark measures checkouts, not stock-outs. */
export const stockSampleProducts = async (api: BenchApi, adminToken: string, available: number) => {
  for (const product of sampleProducts) {
    const set = await api(`/api/v1/inventory/${product.sku}`, {
      method: 'PUT',
      token: adminToken,
      json: { available },
    });
    if (set.status !== 200) throw new Error(`stock of ${product.sku} not set: ${set.status}`);
  }
};

const BENCH_ADDRESS = {
  name: 'Bench',
  line1: '1 Main Street',
  city: 'Springfield',
  postalCode: '12345',
  country: 'US',
};

/**
 * Puts one unit of the product in the customer's cart and places the order (POST /orders, card tok_visa);
 * `started` is when the POST was sent.
 */
export const placeBenchOrder = async (
  api: BenchApi,
  customer: { userId: string; token: string },
  productId: string,
): Promise<{ orderId: string; started: number }> => {
  await api(`/api/v1/cart/${customer.userId}/items`, {
    method: 'POST',
    token: customer.token,
    json: { productId, quantity: 1 },
  });
  const started = Date.now();
  const placed = await api('/api/v1/orders', {
    method: 'POST',
    token: customer.token,
    json: { shippingAddress: BENCH_ADDRESS, paymentMethod: { type: 'card', token: 'tok_visa' } },
  });
  if (placed.status !== 202) throw new Error(`order refused: ${placed.status} ${JSON.stringify(placed.body)}`);
  return { orderId: placed.body.id as string, started };
};

/** What GET /_aws/stats answers, in the parts the benchmarks read. */
export interface SandboxStats {
  calls: Record<string, Record<string, number>>;
  events: { pending: number };
  workflows: { running: number; stateTransitions: number; executionsStarted: number };
  lambda: {
    instances: number;
    functions: Record<
      string,
      { invocations: number; coldStarts: number; cpuMs: { init: number; invocations: number } }
    >;
  };
  memory: { rss: number; heapUsed: number; heapTotal: number };
  dynamodbLocal: { endpoint: string; pid?: number };
}

export const sandboxStats = async (url: string): Promise<SandboxStats> =>
  (await (await fetch(`${url}/_aws/stats`)).json()) as SandboxStats;

/** Waits until no execution runs and the bus has no delivery pending; answers the stats seen then. */
export const waitQuiet = async (url: string, timeoutMs = 120_000): Promise<SandboxStats> => {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const stats = await sandboxStats(url);
    if (stats.events.pending === 0 && stats.workflows.running === 0) return stats;
    if (performance.now() > deadline) throw new Error(`the sandbox did not go quiet in ${timeoutMs / 1000} s`);
    await sleep(50);
  }
};

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export const MB = 1024 * 1024;

/** The load average over the last minute, and the cores: the machine may be shared, and the figures with it. */
export const machineLoad = () => `load average ${loadavg()[0]?.toFixed(2)} on ${availableParallelism()} cores`;

/** CPU seconds a thread or process has used (Linux /proc; 0 elsewhere): user + system ticks at 100 Hz. */
const cpuSeconds = (statFile: string): number => {
  try {
    const fields = readFileSync(statFile, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
};

export interface CpuSample {
  /** The sandbox's main thread: HTTP, the emulated services, the gateway. */
  main: number;
  /** Its other threads: the functions' instances (worker threads), V8's and libuv's helpers. */
  instances: number;
  dynamodbLocal: number;
  /** This benchmark's own process (the load generator). */
  client: number;
}

/** Where the machine's CPU goes, by part; differences of two samples show what some work cost (Linux only). */
export const cpuSample = (sandboxPid: number, dynamoPid: number | undefined): CpuSample => {
  let main = 0;
  let instances = 0;
  try {
    for (const tid of readdirSync(`/proc/${sandboxPid}/task`)) {
      const seconds = cpuSeconds(`/proc/${sandboxPid}/task/${tid}/stat`);
      if (Number(tid) === sandboxPid) main = seconds;
      else instances += seconds;
    }
  } catch {
    // No /proc: no figures.
  }
  const own = process.cpuUsage();
  return {
    main,
    instances,
    dynamodbLocal: dynamoPid ? cpuSeconds(`/proc/${dynamoPid}/stat`) : 0,
    client: (own.user + own.system) / 1e6,
  };
};

/** CPU milliseconds per unit of work between two samples, by part, as one line. */
export const cpuPerUnit = (before: CpuSample, after: CpuSample, units: number): string => {
  const part = (key: keyof CpuSample) => ((after[key] - before[key]) * 1000) / units;
  const parts = (['main', 'instances', 'dynamodbLocal', 'client'] as const).map((key) => [key, part(key)] as const);
  const total = parts.reduce((sum, [, ms]) => sum + ms, 0);
  if (total === 0) return 'n/a (no /proc)';
  const names = {
    main: 'sandbox main thread',
    instances: 'function instances',
    dynamodbLocal: 'DynamoDB Local',
    client: 'load generator',
  };
  return `${total.toFixed(0)} ms: ${parts.map(([key, ms]) => `${names[key]} ${ms.toFixed(0)}`).join(', ')}`;
};

/** Per function, invocations and their CPU ms per unit of work between two stats, most costly first, as one line. */
export const functionsPerUnit = (before: SandboxStats, after: SandboxStats, units: number, top = 8): string => {
  const rows = Object.entries(after.lambda.functions).map(([handler, fn]) => {
    const was = before.lambda.functions[handler];
    return {
      name: handler.split('/').at(-1) ?? handler,
      invocations: (fn.invocations - (was?.invocations ?? 0)) / units,
      cpu: (fn.cpuMs.invocations - (was?.cpuMs.invocations ?? 0)) / units,
      init: (fn.cpuMs.init - (was?.cpuMs.init ?? 0)) / units,
    };
  });
  const invocations = rows.reduce((sum, row) => sum + row.invocations, 0);
  const cpu = rows.reduce((sum, row) => sum + row.cpu, 0);
  const init = rows.reduce((sum, row) => sum + row.init, 0);
  const listed = rows
    .filter((row) => row.invocations > 0)
    .sort((a, b) => b.cpu - a.cpu)
    .slice(0, top)
    .map((row) => `${row.name} ${row.cpu.toFixed(1)} ms/${row.invocations.toFixed(1)}`)
    .join(', ');
  return `${invocations.toFixed(1)} invocations, ${cpu.toFixed(0)} ms CPU in them (+${init.toFixed(0)} ms in init phases); by function (CPU ms/invocations): ${listed}`;
};
