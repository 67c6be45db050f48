/**
 * Cold-start budget: every function's bundle (esbuild, minified ESM, as CDK builds it) is imported
 * in a fresh Node process, paired in the same run with a bundle of the DynamoDB client alone.
 * The budget is an import time of at most 1.1x that floor. Prints a table; exits 0 either way
 * (figures, not a flaky test). BENCH_COLD_RUNS sets the runs per function, BENCH_COLD_ONLY a handler filter.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { ESM_REQUIRE_BANNER } from '../../lib/spec/bundling';
import { eventRules } from '../../lib/spec/event-rules';
import { authorizer, routes } from '../../lib/spec/routes';
import { stateMachines } from '../../lib/spec/state-machines';
import { tables } from '../../lib/spec/tables';
import { percentile } from './sandbox';

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
    outfile,
    bundle: true,
    minify: true,
    keepNames: true,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    mainFields: ['module', 'main'],
    banner: { js: ESM_REQUIRE_BANNER },
    logLevel: 'error',
  });
  return outfile;
};

/** Milliseconds from process start to the module loaded, measured inside a fresh process. */
const importMs = (file: string) => {
  const script = `const t=performance.now();await import(${JSON.stringify(file)});process.stdout.write(String(performance.now()-t))`;
  try {
    return Number(
      execFileSync(process.execPath, ['--input-type=module', '-e', script], { env: lambdaEnv, stdio: 'pipe' }),
    );
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

try {
  const floor = await bundle('floor-dynamodb-only', {
    contents:
      "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';\nexport const client = new DynamoDBClient({});\n",
  });
  const handlers = [
    ...new Set([
      ...routes.map((r) => r.handler),
      authorizer.handler,
      ...eventRules.map((r) => r.target.handler),
      ...stateMachines.flatMap((m) => Object.values(m.tasks).map((t) => t.handler)),
    ]),
  ]
    .filter((handler) => handler.includes(ONLY))
    .sort();
  const rows: { handler: string; kb: number; ms: number; ratio: number }[] = [];
  const floorTimes: number[] = [];
  for (const handler of handlers) {
    const file = await bundle(handler, path.join(ROOT, 'functions', `${handler}.ts`));
    const ratios: number[] = [];
    const times: number[] = [];
    try {
      importMs(file);
    } catch (error) {
      console.log(`  FAIL ${(error as Error).message}`);
      continue;
    }
    // Paired runs, alternating, so machine noise hits both sides alike.
    for (let i = 0; i < RUNS; i++) {
      const base = importMs(floor);
      const own = importMs(file);
      floorTimes.push(base);
      times.push(own);
      ratios.push(own / base);
    }
    ratios.sort((a, b) => a - b);
    times.sort((a, b) => a - b);
    rows.push({ handler, kb: statSync(file).size / 1024, ms: percentile(times, 50), ratio: percentile(ratios, 50) });
  }
  floorTimes.sort((a, b) => a - b);
  console.log(
    `\nCold start: import time of each function bundle vs the DynamoDB-client-only bundle (${statSync(floor).size >> 10} KB, median ${percentile(floorTimes, 50).toFixed(1)} ms), median of ${RUNS} paired runs; budget ${BUDGET}x`,
  );
  for (const row of rows) {
    const mark = row.ratio <= BUDGET ? 'ok  ' : 'OVER';
    console.log(
      `  ${mark} ${row.ratio.toFixed(2)}x  ${row.ms.toFixed(1).padStart(6)} ms  ${row.kb.toFixed(0).padStart(5)} KB  ${row.handler}`,
    );
  }
  const over = rows.filter((row) => row.ratio > BUDGET);
  console.log(`  ${rows.length - over.length} of ${rows.length} functions within budget`);
} finally {
  rmSync(out, { recursive: true, force: true });
}
