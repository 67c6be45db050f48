/**
 * Concurrent sign-ups on the sandbox: BENCH_SIGNUPS (default 50) POST /auth/register at once (bcrypt cost 12
 * each), with a catalog read sent in the middle of the burst. Prints a cold and a warm call of one function
 * first, then the statuses, sign-ups per second, the latencies, the catalog read's latency, the register
 * function's figures, and the sandbox's RSS: before, after the burst, and with every HTTP function warm.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { routes } from '../../lib/spec/routes';
import { apiClient, percentile, signInAdmin, startBenchSandbox } from './sandbox';

interface LambdaStats {
  instances: number;
  functions: Record<string, { initMsMean: number; initMsMax: number; coldStarts: number; peakInstances: number }>;
}

const SIGNUPS = Number(process.env.BENCH_SIGNUPS ?? 50);

/** Resident memory of a process, in MB (Linux). */
const rssOf = (pid: number): number => {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'));
  return Math.round(Number(line?.replace(/\D+/g, '') ?? 0) / 1024);
};

const sandbox = await startBenchSandbox();
const api = apiClient(sandbox.url);

try {
  const signUp = async () => {
    const started = performance.now();
    const reply = await api('/api/v1/auth/register', {
      method: 'POST',
      json: {
        email: `bench-${randomUUID()}@example.com`,
        password: `pw-${randomUUID()}`,
        first_name: 'Bench',
        last_name: 'Buyer',
      },
    });
    return { status: reply.status, ms: performance.now() - started };
  };
  const catalogRead = async () => {
    const started = performance.now();
    const reply = await api('/api/v1/products');
    return { status: reply.status, ms: performance.now() - started };
  };

  const stats = async () =>
    ((await (await fetch(`${sandbox.url}/_aws/stats`)).json()) as { lambda: LambdaStats }).lambda;
  const timed = async (path: string) => {
    const started = performance.now();
    await api(path);
    return Math.round(performance.now() - started);
  };
  const cold = await timed('/api/v1/categories');
  const warm = await timed('/api/v1/categories');
  const categories = (await stats()).functions['catalog/handlers/http/list-categories'];
  console.log(
    `GET /api/v1/categories: ${cold} ms cold (init ${categories?.initMsMean} ms in the instance), ${warm} ms warm`,
  );

  const rssBefore = rssOf(sandbox.pid);
  const started = performance.now();
  const burst = Promise.all(Array.from({ length: SIGNUPS }, signUp));
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const read = await catalogRead();
  const results = await burst;
  const seconds = (performance.now() - started) / 1000;

  const statuses: Record<number, number> = {};
  for (const { status } of results) statuses[status] = (statuses[status] ?? 0) + 1;
  const ok = results.filter((r) => r.status === 201).length;
  const latencies = results.map((r) => r.ms).sort((a, b) => a - b);
  const rssAfter = rssOf(sandbox.pid);
  const register = (await stats()).functions['users/handlers/http/register'];

  console.log(`${SIGNUPS} concurrent sign-ups in ${seconds.toFixed(1)} s: ${JSON.stringify(statuses)}`);
  console.log(`  ${(ok / seconds).toFixed(2)} successful sign-ups/s`);
  console.log(
    `  latency p50 ${(percentile(latencies, 50) / 1000).toFixed(1)} s, p95 ${(percentile(latencies, 95) / 1000).toFixed(1)} s, max ${((latencies.at(-1) ?? 0) / 1000).toFixed(1)} s`,
  );
  console.log(`  GET /products during the burst: ${read.status} in ${(read.ms / 1000).toFixed(2)} s`);
  console.log(
    `  register: ${register?.coldStarts} cold starts, at most ${register?.peakInstances} instances, init ${register?.initMsMean} ms mean, ${register?.initMsMax} ms max`,
  );

  // Every HTTP function once (an admin's call with an empty body: a 4xx warms an instance as well as a 200 does).
  const admin = await signInAdmin(api);
  const warmStatuses: Record<number, number> = {};
  // Not logout: it would end the admin's session for the routes after it.
  for (const route of routes.filter((r) => r.path !== '/api/v1/auth/logout')) {
    const { status } = await api(route.path.replaceAll(/\{[^}]+\}/g, 'bench'), {
      method: route.method,
      token: admin,
      ...(route.method !== 'GET' && route.method !== 'DELETE' && { json: {} }),
    });
    warmStatuses[status] = (warmStatuses[status] ?? 0) + 1;
  }
  console.log(`  every route called once: ${JSON.stringify(warmStatuses)}`);
  const warmed = await stats();
  console.log(
    `  sandbox RSS: ${rssBefore} MB before, ${rssAfter} MB after the burst, ${rssOf(sandbox.pid)} MB with ${warmed.instances} instances of ${Object.keys(warmed.functions).length} functions warm`,
  );
} finally {
  await sandbox.stop();
}
