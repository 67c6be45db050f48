import {
  DescribeExecutionCommand,
  DescribeStateMachineCommand,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  InvalidName,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  SFNClient,
  StartExecutionCommand,
  StateMachineDoesNotExist,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterEach, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import type { FunctionSpec } from '../../../../lib/spec/bindings';
import type { StateMachineSpec } from '../../../../lib/spec/state-machines';
import { InjectedFaultError } from '../../../../local/faults';
import type { InvokeOptions } from '../../../../local/lambda/invoke';
import type { LocalLambda } from '../../../../local/lambda/service';
import { installPromiseWithResolvers } from '../../../../local/stepfunctions/polyfill';
import { type Invoke, StepFunctionsService } from '../../../../local/stepfunctions/service';
import { serveOverHttp } from '../../support/serve-aws-service';

const REGION = 'us-east-1';
const ACCOUNT = '000000000000';
const ROOT = import.meta.dirname;

const fn = (handler: string, timeout?: number): FunctionSpec => ({ handler, bindings: {}, timeout });

const chain: StateMachineSpec = {
  name: 'Chain',
  file: 'fixtures/chain.asl.json',
  envVar: 'CHAIN_STATE_MACHINE_ARN',
  tasks: { ReserveFunctionArn: fn('inventory/reserve'), ChargeFunctionArn: fn('payments/charge', 7) },
};
const saga: StateMachineSpec = {
  name: 'Saga',
  file: 'fixtures/saga.asl.json',
  envVar: 'SAGA_STATE_MACHINE_ARN',
  tasks: {
    ReserveFunctionArn: fn('inventory/reserve'),
    ChargeFunctionArn: fn('payments/charge'),
    ConfirmFunctionArn: fn('orders/confirm'),
    ReleaseFunctionArn: fn('inventory/release'),
  },
};
const hold: StateMachineSpec = {
  name: 'Hold',
  file: 'fixtures/wait.asl.json',
  envVar: 'HOLD_STATE_MACHINE_ARN',
  tasks: { HoldFunctionArn: fn('test/hold') },
};

const patient: StateMachineSpec = {
  name: 'Patient',
  file: 'fixtures/patient.asl.json',
  envVar: 'PATIENT_STATE_MACHINE_ARN',
  tasks: { SettleFunctionArn: fn('orders/settle') },
};

const machineArn = (name: string) => `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${name}`;

class InventoryBusyError extends Error {
  override name = 'InventoryBusyError';
}
class OutOfStockError extends Error {
  override name = 'OutOfStockError';
}
class PaymentDeclinedError extends Error {
  override name = 'PaymentDeclinedError';
}

interface Call {
  handler: string;
  event: unknown;
  timeout: number | undefined;
}

/** A fake of the sandbox's Lambda: one function per handler, every call recorded. */
const fakeInvoke = (impl: Record<string, (event: unknown) => unknown>) => {
  const calls: Call[] = [];
  const invoke: Invoke = async ({ handler, timeout }, event) => {
    calls.push({ handler, event, timeout });
    const f = impl[handler];
    if (!f) throw new Error(`no fake for ${handler}`);
    return f(event);
  };
  return { invoke, calls, of: (handler: string) => calls.filter((c) => c.handler === handler) };
};

const deferred = <T>() => {
  let resolve: (value: T) => void = () => undefined;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
};

/** A task that runs until `gate` is resolved; `entered` resolves once an execution has reached it. */
const heldTask = () => {
  const gate = deferred<unknown>();
  const entered = deferred<void>();
  const run = () => {
    entered.resolve();
    return gate.promise;
  };
  return { gate, entered, run };
};

// asl-validator compiles its schemas on each validation (about a second per machine); the service
// validates a definition once per process, so pay for it here rather than in the first test's budget.
beforeAll(() => {
  new StepFunctionsService({
    region: REGION,
    accountId: ACCOUNT,
    machines: [chain, saga, hold, patient],
    rootDir: ROOT,
    invoke: async () => null,
  });
}, 60_000);

const services: StepFunctionsService[] = [];
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
  for (const service of services.splice(0)) await service.stop();
});

const create = (invoke: Invoke, machines: StateMachineSpec[] = [chain, saga, hold]) => {
  const service = new StepFunctionsService({ region: REGION, accountId: ACCOUNT, machines, rootDir: ROOT, invoke });
  services.push(service);
  return service;
};

type Body = Record<string, unknown>;

const call = async (service: StepFunctionsService, operation: string, body: Body) => {
  const response = await service.handle({
    target: `AWSStepFunctions.${operation}`,
    headers: { 'content-type': 'application/x-amz-json-1.0' },
    body: JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers ?? {}, body: JSON.parse(response.body) as Body };
};

const start = async (service: StepFunctionsService, machine: string, input: unknown, name?: string) => {
  const response = await call(service, 'StartExecution', {
    stateMachineArn: machineArn(machine),
    input: JSON.stringify(input),
    ...(name ? { name } : {}),
  });
  expect(response.status).toBe(200);
  return response.body.executionArn as string;
};

const describeExecution = async (service: StepFunctionsService, executionArn: string) =>
  (await call(service, 'DescribeExecution', { executionArn })).body;

const history = async (service: StepFunctionsService, executionArn: string, extra: Body = {}) =>
  (await call(service, 'GetExecutionHistory', { executionArn, maxResults: 1000, ...extra })).body
    .events as HistoryEvent[] & Body[];

const run = async (service: StepFunctionsService, machine: string, input: unknown) => {
  const arn = await start(service, machine, input);
  await service.idle();
  return { arn, execution: await describeExecution(service, arn) };
};

const causeOf = (cause: unknown) => JSON.parse(String(cause)) as { errorType: string; errorMessage: string };

describe('StepFunctionsService: executions', () => {
  it('takes the sandbox Lambda runner as its invoke (checked by tsc)', () => {
    expectTypeOf<LocalLambda['invoke']>().toExtend<Invoke>();
    expectTypeOf<Invoke>().parameters.toEqualTypeOf<[FunctionSpec, unknown, (InvokeOptions | undefined)?]>();
  });

  it('runs a task chain asynchronously to SUCCEEDED with the output', async () => {
    const fake = fakeInvoke({
      'inventory/reserve': () => ({ reservationId: 'r-1' }),
      'payments/charge': () => ({ paymentId: 'p-1', at: new Date(0) }),
    });
    const service = create(fake.invoke);

    const arn = await start(service, 'Chain', { orderId: 'o-1' });
    const running = await describeExecution(service, arn);
    await service.idle();
    const done = await describeExecution(service, arn);

    expect(arn).toMatch(/^arn:aws:states:us-east-1:000000000000:execution:Chain:[0-9a-f-]{36}$/);
    expect(running.status).toBe('RUNNING');
    expect(running.output).toBeUndefined();
    expect(done.status).toBe('SUCCEEDED');
    expect(done.stateMachineArn).toBe(machineArn('Chain'));
    expect(done.input).toBe('{"orderId":"o-1"}');
    expect(JSON.parse(String(done.output))).toEqual({
      orderId: 'o-1',
      reservation: { reservationId: 'r-1' },
      // Results travel as JSON, as through the Lambda service.
      payment: { paymentId: 'p-1', at: '1970-01-01T00:00:00.000Z' },
    });
    expect(done.error).toBeUndefined();
    expect(typeof done.stopDate).toBe('number');
    expect(fake.calls.map((c) => [c.handler, c.event, c.timeout])).toEqual([
      ['inventory/reserve', { orderId: 'o-1' }, undefined],
      ['payments/charge', { orderId: 'o-1', reservation: { reservationId: 'r-1' } }, 7],
    ]);
    expect(service.stats()).toEqual({ executionsStarted: 1, stateTransitions: 2, running: 0 });
  });

  it('retries a custom error named in Retry, then succeeds (and calls lambda:invoke tasks)', async () => {
    let attempts = 0;
    const fake = fakeInvoke({
      'inventory/reserve': () => {
        attempts++;
        if (attempts === 1) throw new InventoryBusyError('lock held');
        return { reservationId: 'r-2' };
      },
      'payments/charge': () => ({ paymentId: 'p-2' }),
      'orders/confirm': (event) => ({ status: 'CONFIRMED', seen: event }),
    });
    const service = create(fake.invoke);

    const { arn, execution } = await run(service, 'Saga', { orderId: 'o-2' });

    expect(execution.status).toBe('SUCCEEDED');
    expect(fake.of('inventory/reserve')).toHaveLength(2);
    expect(JSON.parse(String(execution.output)).confirmation).toEqual({ status: 'CONFIRMED', statusCode: 200 });
    // lambda:invoke hands the Payload, not the { FunctionName, Payload } envelope, to the function.
    expect(fake.of('orders/confirm')[0]?.event).toEqual({
      orderId: 'o-2',
      reservation: { reservationId: 'r-2' },
      payment: { paymentId: 'p-2' },
    });
    const events = await history(service, arn);
    const failed = events.find((e) => e.type === 'LambdaFunctionFailed');
    expect(failed?.lambdaFunctionFailedEventDetails?.error).toBe('InventoryBusyError');
    expect(causeOf(failed?.lambdaFunctionFailedEventDetails?.cause)).toMatchObject({
      errorType: 'InventoryBusyError',
      errorMessage: 'lock held',
    });
    expect(events.filter((e) => e.type === 'LambdaFunctionScheduled')).toHaveLength(3);
    const scheduled = events.find((e) => e.type === 'TaskScheduled')?.taskScheduledEventDetails;
    expect(scheduled).toMatchObject({ resourceType: 'lambda', resource: 'invoke', region: REGION });
    expect(JSON.parse(String(scheduled?.parameters)).FunctionName).toBe(
      `arn:aws:lambda:${REGION}:${ACCOUNT}:function:local-orders-confirm`,
    );
    // Reserve + its retry + Charge + Confirm.
    expect(service.stats().stateTransitions).toBe(4);
  });

  it('does not retry an error no retrier names: the execution fails with its name and cause', async () => {
    const fake = fakeInvoke({
      'inventory/reserve': () => {
        throw new OutOfStockError('SKU-1 is out of stock');
      },
    });
    const service = create(fake.invoke);

    const { execution } = await run(service, 'Saga', { orderId: 'o-3' });

    expect(fake.of('inventory/reserve')).toHaveLength(1);
    expect(execution.status).toBe('FAILED');
    expect(execution.error).toBe('OutOfStockError');
    expect(causeOf(execution.cause)).toMatchObject({
      errorType: 'OutOfStockError',
      errorMessage: 'SKU-1 is out of stock',
    });
    expect(execution.output).toBeUndefined();
  });

  it('catches a custom error into the compensation path, then fails at the Fail state', async () => {
    const fake = fakeInvoke({
      'inventory/reserve': () => ({ reservationId: 'r-4' }),
      'payments/charge': () => {
        throw new PaymentDeclinedError('card declined');
      },
      'inventory/release': () => ({ released: true }),
      'orders/confirm': () => ({ status: 'CONFIRMED' }),
    });
    const service = create(fake.invoke);

    const { arn, execution } = await run(service, 'Saga', { orderId: 'o-4' });

    expect(execution.status).toBe('FAILED');
    expect(execution.error).toBe('CheckoutFailed');
    expect(execution.cause).toBe('Payment declined; inventory released');
    expect(execution.output).toBeUndefined();
    expect(fake.of('orders/confirm')).toHaveLength(0);
    const release = fake.of('inventory/release')[0]?.event as { failure: { Error: string; Cause: string } };
    expect(release.failure.Error).toBe('PaymentDeclinedError');
    expect(causeOf(release.failure.Cause).errorMessage).toBe('card declined');
    const events = await history(service, arn);
    const lambda = ['LambdaFunctionScheduled', 'LambdaFunctionStarted'];
    expect(events.map((e) => e.type)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      ...lambda,
      'LambdaFunctionSucceeded',
      'TaskStateExited',
      'TaskStateEntered',
      ...lambda,
      'LambdaFunctionFailed',
      'TaskStateExited',
      'TaskStateEntered',
      ...lambda,
      'LambdaFunctionSucceeded',
      'TaskStateExited',
      'FailStateEntered',
      'ExecutionFailed',
    ]);
    expect(events.at(-1)?.executionFailedEventDetails).toEqual({
      error: 'CheckoutFailed',
      cause: 'Payment declined; inventory released',
    });
  });

  it('falls back to States.TaskFailed for an error no catcher names', async () => {
    const fake = fakeInvoke({
      'inventory/reserve': () => ({ reservationId: 'r-5' }),
      'payments/charge': () => {
        throw new TypeError('undefined is not a function');
      },
      'inventory/release': () => null,
    });
    const service = create(fake.invoke);

    const { execution } = await run(service, 'Saga', { orderId: 'o-5' });

    const release = fake.of('inventory/release')[0]?.event as { failure: { Error: string } } | undefined;
    expect(release?.failure.Error).toBe('TypeError');
    expect(execution.status).toBe('FAILED');
    expect(execution.error).toBe('CheckoutFailed');
  });
});

describe('StepFunctionsService: names, validation, stopping', () => {
  it('makes a name idempotent for the same input while running, ExecutionAlreadyExists otherwise', async () => {
    const gate = deferred<unknown>();
    const fake = fakeInvoke({ 'test/hold': () => gate.promise });
    const service = create(fake.invoke);
    const request = { stateMachineArn: machineArn('Hold'), name: 'order-42', input: '{"a":1}' };

    const first = await call(service, 'StartExecution', request);
    const again = await call(service, 'StartExecution', request);
    const other = await call(service, 'StartExecution', { ...request, input: '{"a":2}' });
    gate.resolve({ ok: true });
    await service.idle();
    const afterClose = await call(service, 'StartExecution', request);

    expect(first.body.executionArn).toBe(`arn:aws:states:${REGION}:${ACCOUNT}:execution:Hold:order-42`);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(other.status).toBe(400);
    expect(other.body.__type).toBe('ExecutionAlreadyExists');
    expect(other.headers['x-amzn-errortype']).toBe('ExecutionAlreadyExists');
    expect(other.headers['content-type']).toBe('application/x-amz-json-1.0');
    // A closed execution's name cannot be reused, whatever the input (Standard workflows).
    expect(afterClose.body.__type).toBe('ExecutionAlreadyExists');
    expect(fake.calls).toHaveLength(1);
    expect(service.stats().executionsStarted).toBe(1);
  });

  it('validates names, inputs, ARNs and operations as AWS does', async () => {
    const service = create(fakeInvoke({ 'test/hold': () => ({}) }).invoke);
    const startWith = (body: Body) => call(service, 'StartExecution', { stateMachineArn: machineArn('Hold'), ...body });

    const errors = {
      space: (await startWith({ name: 'has space' })).body.__type,
      long: (await startWith({ name: 'a'.repeat(81) })).body.__type,
      colon: (await startWith({ name: 'a:b' })).body.__type,
      control: (await startWith({ name: 'a\u0085b' })).body.__type,
      input: (await startWith({ input: '{not json' })).body.__type,
      machine: (await call(service, 'StartExecution', { stateMachineArn: machineArn('Nope') })).body.__type,
      arn: (await call(service, 'DescribeExecution', { executionArn: 'nope' })).body.__type,
      execution: (
        await call(service, 'DescribeExecution', {
          executionArn: `arn:aws:states:${REGION}:${ACCOUNT}:execution:Hold:missing`,
        })
      ).body.__type,
      missing: (await call(service, 'StartExecution', {})).body.__type,
      operation: (await call(service, 'CreateActivity', {})).body.__type,
    };
    const longest = await startWith({ name: `ü${'a'.repeat(79)}` });
    const defaulted = await describeExecution(service, String((await startWith({})).body.executionArn));

    expect(errors).toEqual({
      space: 'InvalidName',
      long: 'InvalidName',
      colon: 'InvalidName',
      control: 'InvalidName',
      input: 'InvalidExecutionInput',
      machine: 'StateMachineDoesNotExist',
      arn: 'InvalidArn',
      execution: 'ExecutionDoesNotExist',
      missing: 'ValidationException',
      operation: 'UnknownOperationException',
    });
    expect(longest.status).toBe(200);
    expect(defaulted.input).toBe('{}');
  });

  it('StopExecution aborts a running execution with its error and cause', async () => {
    const { gate, entered, run } = heldTask();
    const fake = fakeInvoke({ 'test/hold': run });
    const service = create(fake.invoke);
    const arn = await start(service, 'Hold', {});
    await entered.promise;

    const stopped = await call(service, 'StopExecution', { executionArn: arn, error: 'Cancelled', cause: 'by test' });
    gate.resolve({ late: true });
    await service.idle();
    const execution = await describeExecution(service, arn);
    const events = await history(service, arn);

    expect(stopped.status).toBe(200);
    expect(typeof stopped.body.stopDate).toBe('number');
    expect(execution).toMatchObject({ status: 'ABORTED', error: 'Cancelled', cause: 'by test' });
    expect(execution.output).toBeUndefined();
    expect(events.at(-1)?.type).toBe('ExecutionAborted');
    expect(events.at(-1)?.executionAbortedEventDetails).toEqual({ error: 'Cancelled', cause: 'by test' });
    expect(fake.calls).toHaveLength(1);
  });

  it('stop() aborts running executions and reports unhealthy; idle() waits for handlers in flight', async () => {
    const { gate, entered, run } = heldTask();
    const service = create(fakeInvoke({ 'test/hold': run }).invoke);
    const arn = await start(service, 'Hold', {});
    await entered.promise;
    const healthyBefore = await service.healthy();

    await service.stop();
    let idle = false;
    const waiting = service.idle().then(() => {
      idle = true;
    });
    // Kept: nothing may happen here (idle() must stay pending while the handler runs), so there is no
    // condition to wait for; a few event-loop turns give a wrong idle() the chance to resolve.
    await new Promise((r) => setTimeout(r, 20));
    const idleWhileHandlerRuns = idle;
    gate.resolve({});
    await waiting;

    expect(healthyBefore).toBe(true);
    expect(await service.healthy()).toBe(false);
    expect((await describeExecution(service, arn)).status).toBe('ABORTED');
    expect(idleWhileHandlerRuns).toBe(false);
    expect(idle).toBe(true);
    expect(service.stats().running).toBe(0);
    expect((await call(service, 'StartExecution', { stateMachineArn: machineArn('Hold') })).status).toBe(503);
  });

  it('refuses, at construction, a placeholder without a task and a Task it cannot run locally', () => {
    const invoke = fakeInvoke({}).invoke;
    const { ChargeFunctionArn: _, ...partial } = chain.tasks;
    const unsupported: StateMachineSpec = {
      name: 'Sns',
      file: 'fixtures/unsupported.asl.json',
      envVar: 'X',
      tasks: {},
    };

    expect(() => create(invoke, [{ ...chain, tasks: partial }])).toThrow(/\$\{ChargeFunctionArn\}/);
    expect(() => create(invoke, [unsupported])).toThrow(/sns:publish/);
  });
});

describe('StepFunctionsService: history and listings', () => {
  it('maps the event log to AWS history events in order, with pagination and reverse order', async () => {
    const fake = fakeInvoke({
      'inventory/reserve': () => ({ reservationId: 'r-6' }),
      'payments/charge': () => ({ paymentId: 'p-6' }),
    });
    const service = create(fake.invoke);
    const { arn } = await run(service, 'Chain', { orderId: 'o-6' });

    const events = await history(service, arn);

    const task = ['LambdaFunctionScheduled', 'LambdaFunctionStarted', 'LambdaFunctionSucceeded'];
    expect(events.map((e) => e.type)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      ...task,
      'TaskStateExited',
      'TaskStateEntered',
      ...task,
      'TaskStateExited',
      'ExecutionSucceeded',
    ]);
    expect(events.map((e) => [e.id, e.previousEventId])).toEqual(events.map((_, i) => [i + 1, i]));
    const times = events.map((e) => Number(e.timestamp));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(events[0]?.executionStartedEventDetails?.input).toBe('{"orderId":"o-6"}');
    expect(events[1]?.stateEnteredEventDetails).toMatchObject({ name: 'Reserve', input: '{"orderId":"o-6"}' });
    expect(events[2]?.lambdaFunctionScheduledEventDetails).toMatchObject({
      resource: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:local-inventory-reserve`,
      input: '{"orderId":"o-6"}',
    });
    expect(events[4]?.lambdaFunctionSucceededEventDetails?.output).toBe('{"reservationId":"r-6"}');
    expect(JSON.parse(String(events.at(-1)?.executionSucceededEventDetails?.output))).toMatchObject({
      payment: { paymentId: 'p-6' },
    });

    const pages: Body[][] = [];
    let nextToken: unknown;
    do {
      const page = await call(service, 'GetExecutionHistory', { executionArn: arn, maxResults: 4, nextToken });
      pages.push(page.body.events as Body[]);
      nextToken = page.body.nextToken;
    } while (nextToken);
    expect(pages.map((p) => p.length)).toEqual([4, 4, 4]);
    expect(pages.flat()).toEqual(events);
    expect(await history(service, arn, { reverseOrder: true })).toEqual([...events].reverse());
    const bare = await history(service, arn, { includeExecutionData: false });
    expect(bare[0]?.executionStartedEventDetails).not.toHaveProperty('input');
    const bad = await call(service, 'GetExecutionHistory', { executionArn: arn, nextToken: 'garbage' });
    expect(bad.body.__type).toBe('InvalidToken');
  });

  it('describes and lists state machines and executions', async () => {
    const service = create(fakeInvoke({ 'test/hold': () => ({}) }).invoke);
    const first = await start(service, 'Hold', {}, 'first');
    const second = await start(service, 'Hold', {}, 'second');
    await service.idle();

    const machine = (await call(service, 'DescribeStateMachine', { stateMachineArn: machineArn('Hold') })).body;
    const machines = (await call(service, 'ListStateMachines', {})).body.stateMachines as Body[];
    const list = (await call(service, 'ListExecutions', { stateMachineArn: machineArn('Hold') })).body;
    const none = await call(service, 'ListExecutions', { stateMachineArn: machineArn('Hold'), statusFilter: 'FAILED' });

    expect(service.environment()).toEqual({
      CHAIN_STATE_MACHINE_ARN: machineArn('Chain'),
      SAGA_STATE_MACHINE_ARN: machineArn('Saga'),
      HOLD_STATE_MACHINE_ARN: machineArn('Hold'),
    });
    expect(machine).toMatchObject({ name: 'Hold', type: 'STANDARD', status: 'ACTIVE' });
    expect(String(machine.definition)).toContain(`arn:aws:lambda:${REGION}:${ACCOUNT}:function:local-test-hold`);
    expect(String(machine.definition)).not.toContain('${');
    expect(machines.map((m) => m.name)).toEqual(['Chain', 'Saga', 'Hold']);
    expect((list.executions as Body[]).map((e) => [e.executionArn, e.status])).toEqual([
      [second, 'SUCCEEDED'],
      [first, 'SUCCEEDED'],
    ]);
    expect(none.body.executions).toEqual([]);
  });
});

describe('StepFunctionsService through @aws-sdk/client-sfn', () => {
  it('speaks awsJson1_0 as the SDK sends it, typed exceptions included', async () => {
    const fake = fakeInvoke({
      'inventory/reserve': () => ({ reservationId: 'r-7' }),
      'payments/charge': () => ({ paymentId: 'p-7' }),
      'test/hold': () => new Promise(() => undefined),
    });
    const service = create(fake.invoke);
    const { endpoint, seen, close } = await serveOverHttp(service);
    closers.push(close);
    const client = new SFNClient({
      region: REGION,
      endpoint,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1,
    });

    const started = await client.send(
      new StartExecutionCommand({ stateMachineArn: machineArn('Chain'), name: 'sdk-1', input: '{"orderId":"o-7"}' }),
    );
    await service.idle();
    const described = await client.send(new DescribeExecutionCommand({ executionArn: started.executionArn }));
    const page = await client.send(
      new GetExecutionHistoryCommand({ executionArn: started.executionArn, maxResults: 2, reverseOrder: true }),
    );
    const machine = await client.send(new DescribeStateMachineCommand({ stateMachineArn: machineArn('Chain') }));
    const machines = await client.send(new ListStateMachinesCommand({}));
    const executions = await client.send(new ListExecutionsCommand({ stateMachineArn: machineArn('Chain') }));
    const held = await client.send(new StartExecutionCommand({ stateMachineArn: machineArn('Hold') }));
    const stopped = await client.send(new StopExecutionCommand({ executionArn: held.executionArn, cause: 'sdk' }));

    expect(seen[0]?.['content-type']).toBe('application/x-amz-json-1.0');
    expect(seen[0]?.['x-amz-target']).toBe('AWSStepFunctions.StartExecution');
    expect(seen[0]?.authorization).toContain(`/${REGION}/states/aws4_request`);
    expect(service.signingName).toBe('states');
    expect(started.executionArn).toBe(`arn:aws:states:${REGION}:${ACCOUNT}:execution:Chain:sdk-1`);
    expect(started.startDate).toBeInstanceOf(Date);
    expect(Math.abs(Date.now() - (started.startDate?.getTime() ?? 0))).toBeLessThan(5000);
    expect(described.status).toBe('SUCCEEDED');
    expect(described.stopDate).toBeInstanceOf(Date);
    expect(JSON.parse(described.output ?? 'null')).toMatchObject({ payment: { paymentId: 'p-7' } });
    expect(page.events?.map((e) => e.type)).toEqual(['ExecutionSucceeded', 'TaskStateExited']);
    expect(page.events?.[0]?.timestamp).toBeInstanceOf(Date);
    expect(page.nextToken).toEqual(expect.any(String));
    expect(machine.definition).toContain('local-payments-charge');
    expect(machines.stateMachines?.map((m) => m.stateMachineArn)).toContain(machineArn('Chain'));
    expect(executions.executions?.[0]?.name).toBe('sdk-1');
    expect(stopped.stopDate).toBeInstanceOf(Date);

    await expect(
      client.send(
        new DescribeExecutionCommand({
          executionArn: `${machineArn('Chain')}:nope`.replace('stateMachine', 'execution'),
        }),
      ),
    ).rejects.toBeInstanceOf(ExecutionDoesNotExist);
    await expect(
      client.send(new StartExecutionCommand({ stateMachineArn: machineArn('Chain'), name: 'sdk-1', input: '{}' })),
    ).rejects.toBeInstanceOf(ExecutionAlreadyExists);
    await expect(
      client.send(new StartExecutionCommand({ stateMachineArn: machineArn('Chain'), name: 'bad name' })),
    ).rejects.toBeInstanceOf(InvalidName);
    const error = await client
      .send(new StartExecutionCommand({ stateMachineArn: machineArn('Missing') }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StateMachineDoesNotExist);
    expect(error).toMatchObject({
      name: 'StateMachineDoesNotExist',
      message: `State Machine Does Not Exist: '${machineArn('Missing')}'`,
      $metadata: { httpStatusCode: 400 },
    });
  });
});

describe('Promise.withResolvers polyfill', () => {
  it('is present once the service is loaded (aws-local-stepfunctions needs it on Node 20)', () => {
    expect(typeof (Promise as PromiseConstructor & { withResolvers?: unknown }).withResolvers).toBe('function');
  });

  it('installs only where missing, and builds promises of the constructor it is called on', async () => {
    class Lacking<T> extends Promise<T> {}
    Object.defineProperty(Lacking, 'withResolvers', { value: undefined, configurable: true });
    type WithResolvers = {
      withResolvers<T>(): { promise: Promise<T>; resolve: (v: T) => void; reject: (r?: unknown) => void };
    };

    const installed = installPromiseWithResolvers(Lacking);
    const again = installPromiseWithResolvers(Lacking);
    const { promise, resolve } = (Lacking as unknown as WithResolvers).withResolvers<number>();
    resolve(42);
    const rejected = (Lacking as unknown as WithResolvers).withResolvers<number>();
    rejected.reject(new Error('no'));

    expect(installed).toBe(true);
    expect(again).toBe(false);
    expect(promise).toBeInstanceOf(Lacking);
    expect(await promise).toBe(42);
    await expect(rejected.promise).rejects.toThrow('no');
  });
});

describe('a task failing by an injected fault (local/faults.ts)', () => {
  it('is retried without the wait, so that a test sees at once where the retries lead', async () => {
    const { invoke, of } = fakeInvoke({
      'orders/settle': () => {
        throw new InjectedFaultError('the settling function is made to fail');
      },
    });
    const service = create(invoke, [patient]);
    const started = Date.now();
    const arn = await start(service, 'Patient', { orderId: 'o-1' });
    await service.idle();
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(of('orders/settle')).toHaveLength(4);
    expect((await call(service, 'DescribeExecution', { executionArn: arn })).body).toMatchObject({
      status: 'FAILED',
      error: 'GaveUp',
    });
  });
});
