import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { demoUsers } from '../lib/spec/demo-users';
import { sampleCategories, sampleProducts } from '../lib/spec/sample-data';
import { JavaMissingError } from './dynamodb';
import { ROOT_DIR, type Sandbox, startSandbox } from './sandbox';
import { ensureWebBuild, type WebBuildOutcome } from './web-build';

const reset = process.argv.includes('--reset');
const port = Number(process.env.PORT ?? 3000);
// Loopback unless HOST names another interface (0.0.0.0: all) for the shop and its API.
const host = process.env.HOST || undefined;
const dataDir = process.env.DATA_DIR ?? '.data';
const quiet = process.env.SANDBOX_QUIET === '1';
// Runs scheduled rules every N seconds instead of at their own rate (tests that cannot wait a minute).
const scheduleSeconds = Number(process.env.SANDBOX_SCHEDULE_SECONDS);
const scheduleIntervalSeconds = scheduleSeconds > 0 ? scheduleSeconds : undefined;
// Execution environments per function at most (default: twice the cores, 4 to 10).
const concurrency = Number(process.env.SANDBOX_FUNCTION_CONCURRENCY);
const functionConcurrency = Number.isInteger(concurrency) && concurrency > 0 ? concurrency : undefined;

let sandbox: Sandbox | undefined;
let stopping = false;

const shutdown = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  if (!quiet) console.log(`\n${signal}: stopping the sandbox...`);
  await sandbox?.stop();
  process.exit(0);
};
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));

// A test run that starts the sandbox names itself; should it die without its clean-up, so does the sandbox.
const parentPid = Number(process.env.SANDBOX_PARENT_PID);
if (parentPid > 0) {
  setInterval(() => {
    try {
      process.kill(parentPid, 0);
    } catch {
      void shutdown('parent gone');
    }
  }, 1000).unref();
}

let web: WebBuildOutcome;
try {
  web = await ensureWebBuild(ROOT_DIR);
} catch (error) {
  console.error('The storefront build (Vite) failed:', error);
  process.exit(1);
}

try {
  sandbox = await startSandbox({
    port,
    ...(host && { host }),
    dataDir,
    reset,
    trustForwardedFor: process.env.SANDBOX_TRUST_FORWARDED_FOR === '1',
    scheduleIntervalSeconds,
    functionConcurrency,
    log: quiet ? () => undefined : (line) => console.log(line),
  });
} catch (error) {
  console.error(error instanceof JavaMissingError ? error.message : error);
  process.exit(1);
}

const { url } = sandbox;
const relative = path.relative(process.cwd(), sandbox.outputsFile);
const outputsFile = relative.startsWith('..') ? sandbox.outputsFile : relative;
const exposed = host
  ? `\n  Also on      http://${host}:${sandbox.port}/   (shop and API only: the AWS endpoint, /_aws and /mail stay on loopback)`
  : '';
const webLine = web.built
  ? `built web/dist in ${web.seconds.toFixed(1)} s: it was ${web.reason === 'missing' ? 'missing' : 'older than its sources'}`
  : 'web/dist is up to date';
console.log(`
Shop sandbox ready in ${(performance.now() / 1000).toFixed(1)} s (data in ${sandbox.dataDir}${reset ? ', reset' : ''})

  API          ${url}/api/v1            e.g. curl ${url}/api/v1/products
  Health       ${url}/health
  Storefront   ${url}/                  (${webLine})
  Admin        ${url}/admin             (admins only)${exposed}
  Mail         ${url}/mail              (JSON: ${url}/_aws/ses)
  AWS endpoint ${url}                   (DynamoDB, EventBridge, Step Functions, SES, Secrets Manager)
  Outputs      ${outputsFile}   (as cdk deploy --outputs-file writes a stage's; also ${url}/_aws/outputs)

  Sample data: ${sampleCategories.length} categories, ${sampleProducts.length} products with stock (${sandbox.seeded.products} records created now)
  Demo accounts: ${demoUsers.map((u) => `${u.email} / ${u.password} (${u.role})`).join(', ')}

Ctrl-C stops everything.
`);
