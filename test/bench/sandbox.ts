import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '../../local/ports';

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
  Object.assign(process.env, {
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    AWS_ENDPOINT_URL_DYNAMODB: url,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: url,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    USERS_TABLE: 'shop-users',
    SIGNING_KEY_SECRET_ARN: 'shop/jwt-signing-key',
  });
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

/** Customers written with the platform's users store and signed in with its session issuer (no bcrypt per user). */
export const benchCustomers = async (count: number) => {
  const [{ usersStore }, { issueToken }] = await Promise.all([
    import('../../functions/users/store'),
    import('../../functions/users/sessions'),
  ]);
  const users = usersStore();
  const now = new Date().toISOString();
  return Promise.all(
    Array.from({ length: count }, async () => {
      const id = `usr_${randomUUID()}`;
      const record = {
        id,
        email: `bench-${id}@example.com`,
        first_name: 'Bench',
        last_name: 'Buyer',
        role: 'customer' as const,
        passwordHash: '$2b$12$invalidinvalidinvalidinvalidinvalidinvalidinvalidinva',
        tokenVersion: 0,
        created_at: now,
        updated_at: now,
      };
      await users.create(record);
      return { userId: id, token: (await issueToken(record)).token };
    }),
  );
};

export const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
