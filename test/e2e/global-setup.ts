import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { type SpawnedSandbox, spawnSandbox } from '../support/spawn-sandbox';

declare module 'vitest' {
  export interface ProvidedContext {
    apiUrl: string;
    /** The sandbox's AWS endpoint, or undefined against a deployed stack. */
    awsEndpoint: string | undefined;
    /** The sandbox's DATA_DIR (it holds the signing secret), or undefined against a deployed stack. */
    dataDir: string | undefined;
  }
}

let sandbox: SpawnedSandbox | undefined;

/**
 * Starts one sandbox for the whole end-to-end run, on a free port with a throw-away DATA_DIR,
 * exactly as `npm start` does; or uses API_URL (LocalStack, a deployed stage) when it is set.
 */
export default async function setup(project: TestProject) {
  if (process.env.API_URL) {
    project.provide('apiUrl', process.env.API_URL.replace(/\/$/, ''));
    project.provide('awsEndpoint', process.env.AWS_ENDPOINT_URL);
    project.provide('dataDir', undefined);
    return;
  }
  sandbox = await spawnSandbox('e2e', {
    // Each test client can then present its own IP, so per-IP limits apply per test, at production numbers.
    SANDBOX_TRUST_FORWARDED_FOR: '1',
    // Scheduled rules (the outbox sweeper) every 2 s, not at their minute-long rates.
    SANDBOX_SCHEDULE_SECONDS: '2',
  });
  writeFileSync(path.join(sandbox.dataDir, 'sandbox.log'), sandbox.output());
  project.provide('apiUrl', sandbox.url);
  project.provide('awsEndpoint', sandbox.url);
  project.provide('dataDir', sandbox.dataDir);
  return teardown;
}

async function teardown() {
  await sandbox?.stop();
}
