import { createBulkCustomers, sandboxAwsEnvironment } from '../support/bulk-customers';
import { spawnSandbox } from '../support/spawn-sandbox';

export interface BenchSandbox {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/** A sandbox of its own for a benchmark: rate limits off (every request comes from 127.0.0.1). */
export const startBenchSandbox = async (): Promise<BenchSandbox> => {
  const sandbox = await spawnSandbox(
    'bench',
    {
      RATE_LIMITS: 'off',
      // Scheduled rules once a day: the outbox sweeper's query every minute is no checkout's cost.
      SANDBOX_SCHEDULE_SECONDS: '86400',
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
