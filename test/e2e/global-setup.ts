import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type SpawnedSandbox, spawnSandbox } from '../support/spawn-sandbox';

let sandbox: SpawnedSandbox | undefined;

/**
 * The suite runs against a deployment: API_URL, STACK_OUTPUTS and the standard AWS settings (test/e2e/target.ts).
 * Given none, it starts a sandbox of its own, as a process apart, on a free port with a throw-away DATA_DIR exactly
 * as `npm start` does, and sets those variables from the sandbox's outputs file, as a user of a deployed stage
 * would: from then on the tests know the sandbox by them alone, as they would LocalStack or AWS.
 */
export default async function setup() {
  if (process.env.API_URL || process.env.STACK_OUTPUTS) return;
  sandbox = await spawnSandbox('e2e', {
    // Each test client can then present its own IP, so per-IP limits apply per test, at production numbers.
    SANDBOX_TRUST_FORWARDED_FOR: '1',
    // Scheduled rules (the outbox sweeper) every 2 s, not at their minute-long rates.
    SANDBOX_SCHEDULE_SECONDS: '2',
  });
  writeFileSync(path.join(sandbox.dataDir, 'sandbox.log'), sandbox.output());
  const { outputsFile } = sandbox;
  const [stack] = Object.values(JSON.parse(readFileSync(outputsFile, 'utf8'))) as { ApiUrl: string }[];
  Object.assign(process.env, {
    API_URL: stack?.ApiUrl,
    STACK_OUTPUTS: outputsFile,
    AWS_ENDPOINT_URL: sandbox.url,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    E2E_TARGET: 'sandbox',
  });
  return teardown;
}

async function teardown() {
  await sandbox?.stop();
}
