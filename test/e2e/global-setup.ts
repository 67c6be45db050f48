import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { freePort } from '../../local/ports';

declare module 'vitest' {
  export interface ProvidedContext {
    apiUrl: string;
    /** The sandbox's AWS endpoint, or undefined against a deployed stack. */
    awsEndpoint: string | undefined;
    /** The sandbox's DATA_DIR (it holds the signing secret), or undefined against a deployed stack. */
    dataDir: string | undefined;
  }
}

const ROOT = path.resolve(import.meta.dirname, '../..');
let sandbox: ChildProcess | undefined;
let dataDir: string | undefined;

const waitForHealth = async (url: string, child: ChildProcess, output: () => string) => {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`The sandbox exited (${child.exitCode}):\n${output()}`);
    try {
      if ((await fetch(`${url}/health`)).status === 200) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`The sandbox was not healthy within 90 s:\n${output()}`);
};

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
  const port = await freePort();
  dataDir = mkdtempSync(path.join(tmpdir(), 'shop-e2e-'));
  let output = '';
  sandbox = spawn(process.execPath, ['--import', 'tsx', 'local/start.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      DATA_DIR: dataDir,
      SANDBOX_QUIET: '1',
      SANDBOX_PARENT_PID: String(process.pid),
      // Each test client can then present its own IP, so per-IP limits apply per test, at production numbers.
      SANDBOX_TRUST_FORWARDED_FOR: '1',
      // Scheduled rules (the outbox sweeper) every 2 s, not at their minute-long rates.
      SANDBOX_SCHEDULE_SECONDS: '2',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  sandbox.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  sandbox.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForHealth(url, sandbox, () => output);
  } catch (error) {
    await teardown();
    throw error;
  }
  writeFileSync(path.join(dataDir, 'sandbox.log'), output);
  project.provide('apiUrl', url);
  project.provide('awsEndpoint', url);
  project.provide('dataDir', dataDir);
  return teardown;
}

async function teardown() {
  const child = sandbox;
  if (child && child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
  if (dataDir) {
    // Should the sandbox have died without its clean-up, end its DynamoDB Local here.
    try {
      const pid = Number(readFileSync(path.join(dataDir, 'dynamodb.pid'), 'utf8'));
      if (pid > 0) process.kill(pid, 'SIGKILL');
    } catch {
      // No pid file: DynamoDB Local was stopped by the sandbox.
    }
    rmSync(dataDir, { recursive: true, force: true });
  }
}
