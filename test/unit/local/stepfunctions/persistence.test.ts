import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { FunctionSpec } from '../../../../lib/spec/bindings';
import type { StateMachineSpec } from '../../../../lib/spec/state-machines';
import { type Invoke, StepFunctionsService } from '../../../../local/stepfunctions/service';

const REGION = 'us-east-1';
const ACCOUNT = '000000000000';
const ROOT = import.meta.dirname;

const fn = (handler: string, timeout?: number): FunctionSpec => ({ handler, bindings: {}, timeout });
const chain: StateMachineSpec = {
  name: 'Chain',
  file: 'fixtures/chain.asl.json',
  envVar: 'CHAIN_STATE_MACHINE_ARN',
  // Charge times out after a second: a call of it in flight when the sandbox died is retried after that.
  tasks: { ReserveFunctionArn: fn('inventory/reserve'), ChargeFunctionArn: fn('payments/charge', 1) },
};
const machineArn = `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:Chain`;

const dirs: string[] = [];
const services: StepFunctionsService[] = [];
afterEach(async () => {
  for (const service of services.splice(0)) await service.stop();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
const tempDir = () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'executions-'));
  dirs.push(dir);
  return dir;
};

beforeAll(() => {
  // Validates the fixture once per process (asl-validator is slow).
  new StepFunctionsService({
    region: REGION,
    accountId: ACCOUNT,
    machines: [chain],
    rootDir: ROOT,
    invoke: async () => null,
  });
}, 60_000);

interface Call {
  handler: string;
  event: unknown;
  at: number;
}

/** A fake of the sandbox's Lambda runner: one function per handler, every call recorded. */
const fakeInvoke = (impl: Record<string, (event: unknown) => unknown>) => {
  const calls: Call[] = [];
  const invoke: Invoke = async (spec, event) => {
    calls.push({ handler: spec.handler, event, at: Date.now() });
    const f = impl[spec.handler];
    if (!f) throw new Error(`no fake for ${spec.handler}`);
    return f(event);
  };
  return { invoke, calls };
};

const create = (invoke: Invoke, dir: string, maxClosedExecutions?: number) => {
  const service = new StepFunctionsService({
    region: REGION,
    accountId: ACCOUNT,
    machines: [chain],
    rootDir: ROOT,
    invoke,
    dir,
    ...(maxClosedExecutions !== undefined && { maxClosedExecutions }),
  });
  services.push(service);
  return service;
};

const call = async (service: StepFunctionsService, operation: string, body: Record<string, unknown>) => {
  const response = await service.handle({
    target: `AWSStepFunctions.${operation}`,
    headers: {},
    body: JSON.stringify(body),
  });
  return { status: response.status, body: JSON.parse(response.body) as Record<string, unknown> };
};
const start = async (service: StepFunctionsService, name: string, input: unknown) => {
  const reply = await call(service, 'StartExecution', {
    stateMachineArn: machineArn,
    name,
    input: JSON.stringify(input),
  });
  expect(reply.status).toBe(200);
  return String(reply.body.executionArn);
};
const describeExecution = async (service: StepFunctionsService, executionArn: string) =>
  (await call(service, 'DescribeExecution', { executionArn })).body;
const history = async (service: StepFunctionsService, executionArn: string) =>
  (await call(service, 'GetExecutionHistory', { executionArn, maxResults: 1000 })).body.events as HistoryEvent[];

const deferred = () => {
  let resolve: (value: unknown) => void = () => undefined;
  const promise = new Promise((r) => {
    resolve = r;
  });
  return { promise, resolve };
};

describe('StepFunctionsService with a folder: executions outlive the sandbox', () => {
  it('goes on with an interrupted execution after a restart, at the Task it was in, once its call would have timed out', async () => {
    const dir = tempDir();
    const charging = deferred();
    const first = fakeInvoke({
      'inventory/reserve': () => ({ reservationId: 'r-1' }),
      'payments/charge': () => {
        charging.resolve(undefined);
        return new Promise(() => undefined); // the sandbox dies during this call
      },
    });
    const before = create(first.invoke, dir);
    const arn = await start(before, 'order-1', { orderId: 'o-1' });
    await charging.promise;
    await before.stop();

    const second = fakeInvoke({
      'inventory/reserve': () => {
        throw new Error('a step that succeeded is not run again');
      },
      'payments/charge': () => ({ paymentId: 'p-1' }),
    });
    const after = create(second.invoke, dir);
    expect(await describeExecution(after, arn)).toMatchObject({ status: 'RUNNING', input: '{"orderId":"o-1"}' });
    after.resume();
    await after.idle();

    const done = await describeExecution(after, arn);
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(String(done.output))).toEqual({
      orderId: 'o-1',
      reservation: { reservationId: 'r-1' },
      payment: { paymentId: 'p-1' },
    });
    expect(second.calls.map((c) => [c.handler, c.event])).toEqual([
      ['payments/charge', { orderId: 'o-1', reservation: { reservationId: 'r-1' } }],
    ]);
    const interruptedCall = first.calls.find((c) => c.handler === 'payments/charge');
    // Only once the interrupted call's 1 s timeout has passed since it started (give or take the millisecond or two
    // by which the journal's clock and the recorder's may round apart).
    expect(second.calls[0]?.at).toBeGreaterThanOrEqual((interruptedCall?.at ?? 0) + 1000 - 5);

    const events = await history(after, arn);
    expect(events.filter((e) => e.type === 'ExecutionStarted')).toHaveLength(1);
    expect(events.map((e) => e.id)).toEqual(events.map((_, i) => i + 1));
    expect(events.filter((e) => e.type === 'TaskStateEntered').map((e) => e.stateEnteredEventDetails?.name)).toEqual([
      'Reserve',
      'Charge',
      'Charge',
    ]);
    expect(events.at(-1)?.type).toBe('ExecutionSucceeded');
  });

  it('keeps closed executions, their history and their names across a restart', async () => {
    const dir = tempDir();
    const fake = fakeInvoke({ 'inventory/reserve': () => ({}), 'payments/charge': () => ({ paymentId: 'p-2' }) });
    const before = create(fake.invoke, dir);
    const arn = await start(before, 'order-2', { orderId: 'o-2' });
    await before.idle();
    const described = await describeExecution(before, arn);
    const events = await history(before, arn);
    await before.stop();

    const after = create(fake.invoke, dir);
    after.resume();
    expect(await describeExecution(after, arn)).toEqual(described);
    expect(await history(after, arn)).toEqual(events);
    const again = await call(after, 'StartExecution', {
      stateMachineArn: machineArn,
      name: 'order-2',
      input: '{"orderId":"o-2"}',
    });
    expect(again.body.__type).toBe('ExecutionAlreadyExists');
    const listed = await call(after, 'ListExecutions', { stateMachineArn: machineArn });
    expect((listed.body.executions as { name: string }[]).map((e) => e.name)).toEqual(['order-2']);
    expect(fake.calls).toHaveLength(2);
  });

  it('keeps only the most recently closed executions, in memory and on disk', async () => {
    const dir = tempDir();
    const fake = fakeInvoke({ 'inventory/reserve': () => ({}), 'payments/charge': () => ({}) });
    const service = create(fake.invoke, dir, 2);
    const arns: string[] = [];
    for (let i = 1; i <= 4; i++) {
      arns.push(await start(service, `order-${i}`, { i }));
      await service.idle();
    }
    const statuses = async (target: StepFunctionsService) =>
      Promise.all(arns.map(async (arn) => (await describeExecution(target, arn)).status ?? 'GONE'));
    expect(await statuses(service)).toEqual(['GONE', 'GONE', 'SUCCEEDED', 'SUCCEEDED']);
    expect(readdirSync(dir)).toHaveLength(2);
    await service.stop();
    expect(await statuses(create(fake.invoke, dir, 2))).toEqual(['GONE', 'GONE', 'SUCCEEDED', 'SUCCEEDED']);
  });

  it('lets a restored execution that is stopped before it goes on end ABORTED, without running anything', async () => {
    const dir = tempDir();
    const charging = deferred();
    const first = fakeInvoke({
      'inventory/reserve': () => ({}),
      'payments/charge': () => {
        charging.resolve(undefined);
        return new Promise(() => undefined);
      },
    });
    const before = create(first.invoke, dir);
    const arn = await start(before, 'order-5', {});
    await charging.promise;
    await before.stop();

    const second = fakeInvoke({});
    const after = create(second.invoke, dir);
    await call(after, 'StopExecution', { executionArn: arn, error: 'Cancelled' });
    after.resume();
    await after.idle();
    expect(await describeExecution(after, arn)).toMatchObject({ status: 'ABORTED', error: 'Cancelled' });
    expect(second.calls).toEqual([]);
    expect((await history(after, arn)).at(-1)?.type).toBe('ExecutionAborted');
    await after.stop();
    expect((await describeExecution(create(second.invoke, dir), arn)).status).toBe('ABORTED');
  });
});
