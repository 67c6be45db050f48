import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { FunctionSpec } from '../../../../lib/spec/bindings';
import { functionEnvironment, type SandboxEnvironment } from '../../../../local/lambda/environment';
import { LambdaThrottledError, LambdaTimeoutError } from '../../../../local/lambda/invoke';
import { LocalLambda, type LocalLambdaOptions } from '../../../../local/lambda/service';

const FIXTURES = path.join(import.meta.dirname, 'fixtures');

const sandbox: SandboxEnvironment = {
  region: 'us-east-1',
  endpoint: 'http://127.0.0.1:1',
  settings: { PATH: process.env.PATH, POWERTOOLS_LOG_LEVEL: 'INFO' },
  targets: {
    tables: {
      users: 'shop-users',
      catalog: 'shop-catalog',
      inventory: 'shop-inventory',
      carts: 'shop-carts',
      orders: 'shop-orders',
      payments: 'shop-payments',
      platform: 'shop-platform',
    },
    eventBusName: 'shop-events',
    mailFrom: 'no-reply@shop.local',
    adminEmail: 'admin@shop.local',
    signingKeySecretArn: 'arn:aws:secretsmanager:us-east-1:000000000000:secret:signing',
    searchEndpoint: 'http://127.0.0.1:2',
  },
};

const fn = (handler: string, more: Partial<FunctionSpec> = {}): FunctionSpec => ({ handler, bindings: {}, ...more });

const FIXTURE_HANDLERS = [
  'echo',
  'orders-table',
  'request-context',
  'sleep',
  'fails',
  'broken-init',
  'crash',
  'calls-aws',
];

const started: { lambda: LocalLambda; dir: string }[] = [];
afterEach(async () => {
  for (const { lambda, dir } of started.splice(0)) {
    await lambda.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

/** A LocalLambda over the fixtures, the sandbox's environment rules, and its output kept as lines. */
const start = (options: Partial<LocalLambdaOptions> = {}) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'shop-lambda-'));
  const output: { line: string; handler: string }[] = [];
  const lambda = new LocalLambda({
    functions: FIXTURE_HANDLERS.map((handler) => fn(handler)),
    functionsDir: FIXTURES,
    workDir: dir,
    region: 'us-east-1',
    accountId: '000000000000',
    environment: (spec) => functionEnvironment(spec, sandbox),
    output: (line, { handler }) => output.push({ line, handler }),
    ...options,
  });
  started.push({ lambda, dir });
  return { lambda, dir, output };
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('LocalLambda', () => {
  it('starts an instance on first use (a cold start) and reuses it warm, module state and all', async () => {
    const { lambda } = start();
    const echo = fn('echo');

    const first = (await lambda.invoke(echo, {})) as { invocations: number; functionName: string; remainingMs: number };
    const second = (await lambda.invoke(echo, {})) as { invocations: number };

    expect(first).toMatchObject({ invocations: 1, functionName: 'local-echo' });
    expect(first.remainingMs).toBeGreaterThan(9000);
    expect(second.invocations).toBe(2);
    const stats = lambda.stats().functions.echo;
    expect(stats).toMatchObject({ invocations: 2, coldStarts: 1, instances: 1, busy: 0, errors: 0 });
    expect(stats?.initMsMean).toBeGreaterThan(0);
  });

  it('counts the AWS calls an instance makes to a counted host, and the CPU time it spends', async () => {
    const server = http.createServer((_, res) => res.end('{}'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const counted: Record<string, number>[] = [];
      const { lambda } = start({ countedHosts: [host], onCalls: (calls) => counted.push(calls) });
      await lambda.invoke(fn('calls-aws'), { url: `http://${host}/`, count: 3, busyMs: 300 });
      await lambda.invoke(fn('calls-aws'), { url: `http://${host}/`, count: 0, busyMs: 0 });

      expect(counted).toEqual([{ 'dynamodb.GetItem': 3 }]);
      if (existsSync('/proc/thread-self/schedstat')) {
        expect(lambda.stats().functions['calls-aws']?.cpuMs.invocations).toBeGreaterThanOrEqual(200);
      }
    } finally {
      server.close();
    }
  });

  it('gives an instance the variables of its bindings and the runtime, none of the sandbox process', async () => {
    process.env.ORDERS_TABLE = 'seen-by-the-sandbox-process-only';
    try {
      const { lambda } = start();
      const reply = (await lambda.invoke(fn('echo', { bindings: { tables: { catalog: 'read' } } }), {
        read: [
          'CATALOG_TABLE',
          'ORDERS_TABLE',
          'AWS_REGION',
          'POWERTOOLS_SERVICE_NAME',
          'AWS_LAMBDA_FUNCTION_NAME',
          'HOME',
        ],
      })) as { env: Record<string, string | null> };

      expect(reply.env).toEqual({
        CATALOG_TABLE: 'shop-catalog',
        ORDERS_TABLE: null,
        AWS_REGION: 'us-east-1',
        POWERTOOLS_SERVICE_NAME: 'echo',
        AWS_LAMBDA_FUNCTION_NAME: 'local-echo',
        HOME: null,
      });
    } finally {
      delete process.env.ORDERS_TABLE;
    }
  });

  it('fails a handler that reads a table it is not bound to, as it would fail in AWS', async () => {
    const unbound = start().lambda;
    const bound = start().lambda;

    await expect(
      unbound.invoke(fn('orders-table', { bindings: { tables: { catalog: 'read', carts: 'readwrite' } } }), {}),
    ).rejects.toThrow('Missing environment variable ORDERS_TABLE');
    await expect(bound.invoke(fn('orders-table', { bindings: { tables: { orders: 'read' } } }), {})).resolves.toEqual({
      table: 'shop-orders',
    });
  });

  it('runs two concurrent invocations in two instances: neither module state nor log context is shared', async () => {
    const { lambda, output } = start();
    const spec = fn('request-context');

    const results = await Promise.all([
      lambda.invoke(spec, { id: 'corr-a', ms: 300 }),
      lambda.invoke(spec, { id: 'corr-b', ms: 50 }),
    ]);

    expect(results).toEqual([{ current: 'corr-a' }, { current: 'corr-b' }]);
    const logged = output
      .filter(({ line }) => line.startsWith('{'))
      .map(({ line }) => JSON.parse(line) as { message: string; correlationId: string; requestOf: string })
      .filter((entry) => entry.message === 'cart cleared on order confirmation');
    expect(logged).toHaveLength(2);
    for (const entry of logged) expect(entry.correlationId).toBe(entry.requestOf);
    expect(lambda.stats().functions['request-context']).toMatchObject({ coldStarts: 2, instances: 2 });
  });

  it('terminates an instance at its timeout: nothing of the invocation runs on, the next one starts afresh', async () => {
    const { lambda, dir, output } = start();
    const spec = fn('sleep', { timeout: 0.3 });
    const marker = path.join(dir, 'timed-out.mark');

    const timedOut = lambda.invoke(spec, { ms: 700, marker });
    await expect(timedOut).rejects.toBeInstanceOf(LambdaTimeoutError);
    await expect(timedOut).rejects.toMatchObject({ name: 'Sandbox.Timedout' });
    await sleep(900);

    expect(existsSync(marker)).toBe(false);
    expect(output.some(({ line }) => line.includes('Task timed out after 0.30 seconds'))).toBe(true);
    expect(lambda.stats().functions.sleep).toMatchObject({ timeouts: 1, errors: 1, instances: 0 });
    await expect(lambda.invoke(spec, { ms: 10, marker })).resolves.toEqual({ slept: 10 });
    expect(lambda.stats().functions.sleep).toMatchObject({ coldStarts: 2, instances: 1 });
  });

  it("reports a function error by its type, an init error as the invocation's, and a crash as Runtime.ExitError", async () => {
    const { lambda } = start();

    await expect(lambda.invoke(fn('fails'), {})).rejects.toMatchObject({
      name: 'OutOfStockError',
      message: 'LAPTOP-001 is out of stock',
    });
    await expect(lambda.invoke(fn('broken-init'), {})).rejects.toThrow('init failed on purpose');
    await expect(lambda.invoke(fn('crash'), {})).rejects.toMatchObject({ name: 'Runtime.ExitError' });

    const { functions } = lambda.stats();
    expect(functions.fails).toMatchObject({ errors: 1, instances: 1 });
    expect(functions['broken-init']).toMatchObject({ errors: 1, instances: 0 });
    expect(functions.crash).toMatchObject({ errors: 1, instances: 0 });
  });

  it('lets any number of asynchronous invocations wait, as in the queue of Lambda itself', async () => {
    const { lambda, dir } = start({ concurrency: 2, maxQueued: 1 });
    const marker = path.join(dir, 'ran.mark');
    const outcomes = await Promise.allSettled(
      Array.from({ length: 6 }, () => lambda.invoke(fn('sleep'), { ms: 50, marker }, { asynchronous: true })),
    );
    expect(outcomes.every((o) => o.status === 'fulfilled')).toBe(true);
    expect(lambda.stats().functions.sleep).toMatchObject({ throttles: 0, peakInstances: 2 });
  });

  it('runs at most its concurrency at once, lets a few more wait, and throttles the rest', async () => {
    const { lambda, dir } = start({ concurrency: 2, maxQueued: 1 });
    const spec = fn('sleep');
    const marker = path.join(dir, 'ran.mark');

    const outcomes = await Promise.allSettled(
      Array.from({ length: 4 }, () => lambda.invoke(spec, { ms: 200, marker })),
    );

    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(3);
    const throttled = outcomes.find((o) => o.status === 'rejected');
    expect((throttled as PromiseRejectedResult).reason).toBeInstanceOf(LambdaThrottledError);
    expect(lambda.stats().functions.sleep).toMatchObject({ coldStarts: 2, peakInstances: 2, throttles: 1 });
  });

  it('by default lets 1,000 wait, as many as an AWS account runs at once, and throttles the next', async () => {
    const { lambda, dir } = start({ concurrency: 2 });
    const marker = path.join(dir, 'ran.mark');
    const outcomes = await Promise.allSettled(
      Array.from({ length: 1003 }, () => lambda.invoke(fn('sleep'), { ms: 0, marker })),
    );
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1002);
    expect(lambda.stats().functions.sleep).toMatchObject({ invocations: 1002, throttles: 1 });
  });

  it('tells the caller when a waiting invocation starts: once an instance is free', async () => {
    const { lambda, dir } = start({ concurrency: 1 });
    const spec = fn('sleep');
    const marker = path.join(dir, 'ran.mark');
    const began = performance.now();
    const starts: number[] = [];

    await Promise.all(
      [300, 10].map((ms) =>
        lambda.invoke(spec, { ms, marker }, { onStart: () => starts.push(performance.now() - began) }),
      ),
    );

    expect(starts).toHaveLength(2);
    expect(starts[0]).toBeLessThan(100);
    expect(starts[1]).toBeGreaterThanOrEqual(300);
  });

  it('stops instances idle for idleMs; the next invocation is a cold start with fresh module state', async () => {
    const { lambda } = start({ idleMs: 200 });
    const echo = fn('echo');

    await lambda.invoke(echo, {});
    await sleep(700);

    expect(lambda.stats()).toMatchObject({ instances: 0 });
    expect(await lambda.invoke(echo, {})).toMatchObject({ invocations: 1 });
    expect(lambda.stats().functions.echo).toMatchObject({ coldStarts: 2 });
  });

  it('at its cap of instances, stops the least recently used idle instance of another function to start one', async () => {
    const { lambda } = start({ maxInstances: 2 });

    await lambda.invoke(fn('echo'), {});
    await lambda.invoke(fn('fails'), {}).catch(() => undefined);
    await lambda.invoke(fn('orders-table', { bindings: { tables: { orders: 'read' } } }), {});

    const { instances, functions } = lambda.stats();
    expect(instances).toBe(2);
    expect(functions.echo?.instances).toBe(0);
    expect(await lambda.invoke(fn('echo'), {})).toMatchObject({ invocations: 1 });
  });

  it('knows the functions it was given only', async () => {
    const { lambda } = start();

    await expect(lambda.invoke(fn('nowhere'), {})).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });
});
