import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '../../local/ports';
import { createBulkCustomers, sandboxAwsEnvironment } from '../support/bulk-customers';

const ROOT = path.resolve(import.meta.dirname, '../..');

export interface BenchSandbox {
  url: string;
  stop(): Promise<void>;
}

/** A sandbox of its own for a benchmark: rate limits off (every request comes from 127.0.0.1). */
export const startBenchSandbox = async (): Promise<BenchSandbox> => {
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'shop-bench-'));
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'local/start.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      DATA_DIR: dataDir,
      SANDBOX_QUIET: '1',
      RATE_LIMITS: 'off',
      // Scheduled rules once a day: the outbox sweeper's query every minute is no checkout's cost.
      SANDBOX_SCHEDULE_SECONDS: '86400',
      SANDBOX_PARENT_PID: String(process.pid),
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  while (
    (await fetch(`${url}/health`).then(
      (r) => r.status,
      () => 0,
    )) !== 200
  ) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error('the sandbox did not start');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  Object.assign(process.env, sandboxAwsEnvironment(url));
  return {
    url,
    stop: async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
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
