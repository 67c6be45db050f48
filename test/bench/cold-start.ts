/**
 * Cold-start budget: every function's bundle, built as CDK builds it (lib/spec/bundling.ts: minified ESM, the
 * banner, a linked source map), is imported in a fresh Node process with the environment it deploys with
 * (lib/spec/environment.ts: NODE_OPTIONS included, were there any), paired in the same run with a bundle of the
 * DynamoDB client alone built the same way. The budget is an import time of at most 1.1x that floor. Import time
 * is the process's CPU time during the import (wall time beside it): on a shared machine, other processes stretch
 * the wall time of either side of a pair, not the CPU time. Prints a table; exits 0 either way (figures, not a
 * flaky test). BENCH_COLD_RUNS sets the runs per function, BENCH_COLD_ONLY a handler filter.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import type { FunctionSpec } from '../../lib/spec/bindings';
import { functionBuildOptions } from '../../lib/spec/bundling';
import { baseEnvironment } from '../../lib/spec/environment';
import { eventRules } from '../../lib/spec/event-rules';
import { authorizer, routes } from '../../lib/spec/routes';
import { stateMachines } from '../../lib/spec/state-machines';
import { tables } from '../../lib/spec/tables';
import { machineLoad, percentile } from './sandbox';

const ROOT = path.resolve(import.meta.dirname, '../..');
const RUNS = Number(process.env.BENCH_COLD_RUNS ?? 7);
/** Only the handlers whose path contains it (e.g. `search/`), to look at one context. */
const ONLY = process.env.BENCH_COLD_ONLY ?? '';
const BUDGET = 1.1;
const out = mkdtempSync(path.join(tmpdir(), 'shop-cold-'));

/** What a deployed function finds in its environment (values are never used: nothing is called). */
const lambdaEnv = {
  PATH: process.env.PATH,
  AWS_REGION: 'us-east-1',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  EVENT_BUS_NAME: 'bus',
  CHECKOUT_STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:000000000000:stateMachine:Checkout',
  MAIL_FROM: 'no-reply@example.com',
  ADMIN_EMAIL: 'ops@example.com',
  SIGNING_KEY_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:000000000000:secret:key',
  SEARCH_ENDPOINT: 'https://search-shop.us-east-1.es.amazonaws.com',
  ...Object.fromEntries(Object.values(tables).map((spec) => [spec.envVar, 'table'])),
};

const bundle = async (name: string, entry: string | { contents: string }) => {
  const outfile = path.join(out, `${name.replaceAll('/', '-')}.mjs`);
  await build({
    ...(typeof entry === 'string'
      ? { entryPoints: [entry] }
      : { stdin: { contents: entry.contents, resolveDir: ROOT, loader: 'ts' as const } }),
    ...functionBuildOptions,
    outfile,
    logLevel: 'error',
  });
  return outfile;
};

/** Wall and CPU milliseconds of the import, measured inside a fresh process with `env`. */
const importMs = (file: string, env: Record<string, string | undefined>) => {
  const script = `const c=process.cpuUsage();const t=performance.now();await import(${JSON.stringify(file)});const u=process.cpuUsage(c);process.stdout.write(JSON.stringify([performance.now()-t,(u.user+u.system)/1000]))`;
  try {
    const [wall, cpu] = JSON.parse(
      String(execFileSync(process.execPath, ['--input-type=module', '-e', script], { env, stdio: 'pipe' })),
    ) as [number, number];
    return { wall, cpu };
  } catch (error) {
    const stderr = String((error as { stderr?: Buffer }).stderr ?? '');
    const reason = stderr
      .split('\n')
      .filter((line) => /Error/.test(line))
      .slice(0, 3)
      .join(' | ');
    throw new Error(`${path.basename(file)} failed to load: ${reason}`);
  }
};

const median = (values: number[]) =>
  percentile(
    [...values].sort((a, b) => a - b),
    50,
  );

try {
  const floor = await bundle('floor-dynamodb-only', {
    contents:
      "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';\nexport const client = new DynamoDBClient({});\n",
  });
  const specs = new Map<string, FunctionSpec>();
  for (const spec of [
    ...routes,
    authorizer,
    ...eventRules.map((r) => r.target),
    ...stateMachines.flatMap((m) => Object.values(m.tasks)),
  ]) {
    specs.set(spec.handler, spec);
  }
  const handlers = [...specs.keys()].filter((handler) => handler.includes(ONLY)).sort();
  const rows: { handler: string; kb: number; ms: number; cpuMs: number; ratio: number; wallRatio: number }[] = [];
  const floorCpu: number[] = [];
  const loadAtStart = machineLoad();
  for (const handler of handlers) {
    const file = await bundle(handler, path.join(ROOT, 'functions', `${handler}.ts`));
    // The environment it deploys with: what every function gets (NODE_OPTIONS would be there), then its own.
    const env: Record<string, string | undefined> = {
      ...lambdaEnv,
      ...baseEnvironment(handler.split('/')[0] ?? handler),
    };
    // The floor is what the DynamoDB client costs by itself: no flag of any function's.
    const { NODE_OPTIONS: _, ...floorEnv } = env;
    const ratios: number[] = [];
    const wallRatios: number[] = [];
    const times: { wall: number; cpu: number }[] = [];
    try {
      importMs(file, env);
    } catch (error) {
      console.log(`  FAIL ${(error as Error).message}`);
      continue;
    }
    // Paired runs, alternating, so machine noise hits both sides alike.
    for (let i = 0; i < RUNS; i++) {
      const base = importMs(floor, floorEnv);
      const own = importMs(file, env);
      floorCpu.push(base.cpu);
      times.push(own);
      ratios.push(own.cpu / base.cpu);
      wallRatios.push(own.wall / base.wall);
    }
    rows.push({
      handler,
      kb: statSync(file).size / 1024,
      ms: median(times.map((t) => t.wall)),
      cpuMs: median(times.map((t) => t.cpu)),
      ratio: median(ratios),
      wallRatio: median(wallRatios),
    });
  }
  console.log(
    `\nCold start: import time of each function bundle vs the DynamoDB-client-only bundle (${statSync(floor).size >> 10} KB, median ${median(floorCpu).toFixed(1)} ms CPU), median of ${RUNS} paired runs, with each function's deploy environment; budget ${BUDGET}x (${loadAtStart} at the start, ${machineLoad()} at the end)`,
  );
  console.log('       CPU    (wall)     CPU ms  wall ms  bundle');
  for (const row of rows) {
    const mark = row.ratio <= BUDGET ? 'ok  ' : 'OVER';
    console.log(
      `  ${mark} ${row.ratio.toFixed(2)}x  (${row.wallRatio.toFixed(2)}x)  ${row.cpuMs.toFixed(1).padStart(6)}  ${row.ms.toFixed(1).padStart(6)}  ${row.kb.toFixed(0).padStart(5)} KB  ${row.handler}`,
    );
  }
  const over = rows.filter((row) => row.ratio > BUDGET);
  console.log(`  ${rows.length - over.length} of ${rows.length} functions within budget`);
} finally {
  rmSync(out, { recursive: true, force: true });
}
