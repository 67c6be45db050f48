/**
 * Concurrent sign-ups on the sandbox: BENCH_SIGNUPS (default 50) POST /auth/register at once (bcrypt cost 12
 * each), with a catalog read sent in the middle of the burst. Prints the statuses, sign-ups per second, the
 * latencies, the catalog read's latency, the sandbox's RSS, and its per-function Lambda figures.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { apiClient, percentile, startBenchSandbox } from './sandbox';

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
  const stats = (await (await fetch(`${sandbox.url}/_aws/stats`)).json()) as { lambda?: unknown };

  console.log(`${SIGNUPS} concurrent sign-ups in ${seconds.toFixed(1)} s: ${JSON.stringify(statuses)}`);
  console.log(`  ${(ok / seconds).toFixed(2)} successful sign-ups/s`);
  console.log(
    `  latency p50 ${(percentile(latencies, 50) / 1000).toFixed(1)} s, p95 ${(percentile(latencies, 95) / 1000).toFixed(1)} s, max ${((latencies.at(-1) ?? 0) / 1000).toFixed(1)} s`,
  );
  console.log(`  GET /products during the burst: ${read.status} in ${(read.ms / 1000).toFixed(2)} s`);
  console.log(`  sandbox RSS: ${rssBefore} MB before, ${rssOf(sandbox.pid)} MB after`);
  if (stats.lambda) console.log(`  functions: ${JSON.stringify(stats.lambda, null, 1)}`);
} finally {
  await sandbox.stop();
}
