import './polyfill';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type {
  DescribeExecutionOutput,
  DescribeStateMachineOutput,
  ExecutionListItem,
  ExecutionStatus,
  GetExecutionHistoryOutput,
  HistoryEvent,
  HistoryEventType,
  ListExecutionsOutput,
  ListStateMachinesOutput,
  StartExecutionOutput,
  StateMachineListItem,
  StopExecutionOutput,
} from '@aws-sdk/client-sfn';
import {
  ExecutionAbortedError,
  ExecutionError,
  ExecutionTimeoutError,
  type RunOptions,
  StateMachine,
  type StateMachineDefinition,
} from 'aws-local-stepfunctions';
import { DEFAULT_TIMEOUT_SECONDS, type FunctionSpec } from '../../lib/spec/bindings';
import type { StateMachineSpec } from '../../lib/spec/state-machines';
import type { AwsRequest, AwsResponse, AwsService } from '../aws-service';
import { InjectedFaultError } from '../faults';
import { type Invoke, localFunctionName } from '../lambda/invoke';
import { ExecutionJournal, resumePoint, type StoredExecution } from './persistence';

export type { Invoke } from '../lambda/invoke';

export interface StepFunctionsOptions {
  region: string;
  accountId: string;
  machines: StateMachineSpec[];
  /** Repository root: the specs' ASL files are relative to it. */
  rootDir: string;
  invoke: Invoke;
  /**
   * Where executions are kept (a folder under DATA_DIR): they survive a restart, and those running when the
   * sandbox stopped or died go on once resume() is called. Unset, in memory only.
   */
  dir?: string;
  /** Closed executions kept, the most recently closed; older ones (and their files) are dropped. Default 1000. */
  maxClosedExecutions?: number;
}

export const DEFAULT_MAX_CLOSED_EXECUTIONS = 1000;

export interface StepFunctionsStats {
  executionsStarted: number;
  /** Billed unit of Standard workflows: every state entered, retries included. */
  stateTransitions: number;
  running: number;
}

export const stateMachineArn = (region: string, accountId: string, name: string): string =>
  `arn:aws:states:${region}:${accountId}:stateMachine:${name}`;

export const executionArn = (region: string, accountId: string, machine: string, name: string): string =>
  `arn:aws:states:${region}:${accountId}:execution:${machine}:${name}`;

export const lambdaFunctionArn = (region: string, accountId: string, handler: string): string =>
  `arn:aws:lambda:${region}:${accountId}:function:${localFunctionName(handler)}`;

// Types the library uses but does not export.
type Json = Parameters<StateMachine['run']>[0];
type LibEvent = ReturnType<StateMachine['run']>['eventLogs'] extends AsyncGenerator<infer E> ? E : never;
type LocalHandlers = NonNullable<NonNullable<RunOptions['overrides']>['taskResourceLocalHandlers']>;
type StateType = 'Task' | 'Parallel' | 'Map' | 'Pass' | 'Wait' | 'Choice' | 'Succeed' | 'Fail';

const LAMBDA_INVOKE = 'arn:aws:states:::lambda:invoke';
const MAX_INPUT_BYTES = 256 * 1024;
const DEFAULT_PAGE = 100;
const MAX_PAGE = 1000;
// What the library reports for a Fail state without Error / Cause; AWS reports nothing.
const FAIL_STATE_DEFAULT_ERROR = 'FailStateError';
const FAIL_STATE_DEFAULT_CAUSE = 'Execution failed because of a Fail state';

const ENTERED: Record<StateType, HistoryEventType> = {
  Task: 'TaskStateEntered',
  Parallel: 'ParallelStateEntered',
  Map: 'MapStateEntered',
  Pass: 'PassStateEntered',
  Wait: 'WaitStateEntered',
  Choice: 'ChoiceStateEntered',
  Succeed: 'SucceedStateEntered',
  Fail: 'FailStateEntered',
};
const EXITED: Partial<Record<StateType, HistoryEventType>> = {
  Task: 'TaskStateExited',
  Parallel: 'ParallelStateExited',
  Map: 'MapStateExited',
  Pass: 'PassStateExited',
  Wait: 'WaitStateExited',
  Choice: 'ChoiceStateExited',
  Succeed: 'SucceedStateExited',
};

interface LocalFunction {
  arn: string;
  spec: FunctionSpec;
}

/** How a Task state reaches a function: a function ARN as Resource, or the optimised `lambda:invoke`. */
interface TaskBinding {
  kind: 'lambda' | 'invoke';
  fn?: LocalFunction;
  timeoutSeconds?: number;
}

interface Machine {
  spec: StateMachineSpec;
  arn: string;
  roleArn: string;
  /** The definition after substitution, as DescribeStateMachine shows it. */
  definition: string;
  runner: StateMachine;
  /** The definition as parsed: an interrupted execution goes on with a runner starting at another state. */
  parsed: Record<string, unknown>;
  /** Those runners, by the state they start at. */
  resumeRunners: Map<string, StateMachine>;
  tasks: Map<string, TaskBinding>;
  functions: Map<string, LocalFunction>;
  createdAt: Date;
}

/** One Lambda call, kept until the library's StateExited/StateFailed event places it in the history. */
interface Invocation {
  binding: TaskBinding;
  resource: string;
  input: string;
  scheduledAt: number;
  outcome?: { ok: true; output: string; at: number } | { ok: false; error: string; cause: string; at: number };
}

interface Execution {
  arn: string;
  name: string;
  machine: Machine;
  input: string;
  status: ExecutionStatus;
  startDate: Date;
  stopDate?: Date;
  output?: string;
  error?: string;
  cause?: string;
  /** The history; once closed and kept on disk, read from there instead (and this emptied). */
  events: HistoryEvent[];
  eventCount: number;
  historyOnDisk?: boolean;
  /** Restored from disk while it ran: goes on at this state with this input, not before `notBefore`. */
  resume?: { state: string; input: string; notBefore: number };
  invocations: Map<string, Invocation[]>;
  /** Task states whose last failure was an injected fault (local/faults.ts): retried without the wait. */
  faulted: Set<string>;
  abort?: () => void;
  /** Ends the wait of an execution launched with a delay. */
  wake?: () => void;
  settled: Promise<void>;
}

/** A service error in the awsJson1_0 shape; the SDK turns `type` into its typed exception. */
class SfnError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

/**
 * A Lambda function error as the Lambda service reports it to Step Functions: the error is the
 * thrown error's name (the runtime's `errorType`), the cause the runtime's JSON error document.
 * The library matches Retry/Catch `ErrorEquals` on `name` and reports `message` as the cause.
 */
class FunctionError extends Error {
  constructor(errorType: string, cause: string) {
    super(cause);
    this.name = errorType;
  }
}

const toFunctionError = (thrown: unknown): FunctionError => {
  const error = thrown instanceof Error ? thrown : new Error(String(thrown));
  const errorType = error.name || 'Error';
  const document = { errorType, errorMessage: error.message, trace: error.stack?.split('\n') ?? [] };
  return new FunctionError(errorType, JSON.stringify(document));
};

/** Definitions asl-validator already accepted in this process. */
const validated = new Set<string>();

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The Lambda service hands over and returns JSON: a fresh copy, `undefined` as null. */
const throughJson = (value: unknown): Json => JSON.parse(JSON.stringify(value ?? null)) as Json;

const failure = (error: string, cause: unknown): { error?: string; cause?: string } => {
  const text = typeof cause === 'string' ? cause : cause === undefined ? undefined : JSON.stringify(cause);
  return {
    ...(error === FAIL_STATE_DEFAULT_ERROR ? {} : { error }),
    ...(text === undefined || text === FAIL_STATE_DEFAULT_CAUSE ? {} : { cause: text }),
  };
};

/** Execution names as AWS allows them: 1-80 chars, no whitespace, brackets, wildcards, specials or controls. */
const FORBIDDEN_NAME_CHARS = new Set('<>{}[]?*"#%\\^|~`$&,;:/');
export const isValidExecutionName = (name: string): boolean =>
  name.length >= 1 &&
  name.length <= 80 &&
  [...name].every((ch) => {
    const code = ch.codePointAt(0) ?? 0;
    return !FORBIDDEN_NAME_CHARS.has(ch) && !/\s/u.test(ch) && code > 0x1f && !(code >= 0x7f && code <= 0x9f);
  });

const functionNameOf = (nameOrArn: string): string => {
  // Full ARN, partial ARN (account:function:name) or bare name, each with an optional qualifier.
  const parts = nameOrArn.split(':');
  const at = parts.indexOf('function');
  return (at >= 0 ? parts[at + 1] : parts[0]) ?? '';
};

/**
 * The Step Functions emulation of the local sandbox: StartExecution, DescribeExecution,
 * GetExecutionHistory, ListExecutions, StopExecution, DescribeStateMachine and ListStateMachines
 * over the awsJson1_0 protocol, running the very ASL files CDK deploys with aws-local-stepfunctions
 * and binding every Task state to the local handler its `${Placeholder}` names.
 *
 * With a `dir`, executions are kept on disk as they go (see ExecutionJournal): after a restart they are
 * described and listed as before, and those that were running go on from the last state they entered (resume()),
 * as a Standard workflow outlives any worker in AWS; a Task whose Lambda call was in flight is called again
 * once that call would have timed out. Only the most recently closed executions are kept.
 */
export class StepFunctionsService implements AwsService {
  readonly signingName = 'states';
  private readonly region: string;
  private readonly accountId: string;
  private readonly invoke: Invoke;
  private readonly machines = new Map<string, Machine>();
  private readonly executions = new Map<string, Execution>();
  private readonly running = new Set<Execution>();
  private readonly inflight = new Set<Promise<unknown>>();
  private readonly counters = { executionsStarted: 0, stateTransitions: 0 };
  private stopped = false;
  private readonly journal: ExecutionJournal | undefined;
  private readonly maxClosed: number;
  /** Closed executions, in the order they closed: the oldest go first. */
  private readonly closed = new Set<Execution>();
  /** Restored executions that were running, waiting for resume(). */
  private interrupted: Execution[] = [];
  /** Stopped with a journal: running executions are left as they are on disk, to go on after the next start. */
  private detached = false;
  /** When it was stopped so: what the library reports as happening later did not happen to the execution. */
  private detachedAt = Number.POSITIVE_INFINITY;

  constructor(options: StepFunctionsOptions) {
    this.region = options.region;
    this.accountId = options.accountId;
    this.invoke = options.invoke;
    for (const spec of options.machines) {
      const machine = this.load(spec, options.rootDir);
      this.machines.set(machine.arn, machine);
    }
    this.maxClosed = Math.max(0, options.maxClosedExecutions ?? DEFAULT_MAX_CLOSED_EXECUTIONS);
    if (options.dir) {
      this.journal = new ExecutionJournal(options.dir);
      for (const stored of this.journal.load()) this.restore(stored);
      this.trimClosed();
    }
  }

  /** Lets the executions that were running when the sandbox last stopped go on; called once the functions can run. */
  resume(): void {
    const interrupted = this.interrupted;
    this.interrupted = [];
    for (const execution of interrupted) {
      this.launch(execution, Math.max(0, (execution.resume?.notBefore ?? 0) - Date.now()));
    }
  }

  /** The machines' ARNs under their env var names (e.g. CHECKOUT_STATE_MACHINE_ARN), for the functions. */
  environment(): Record<string, string> {
    return Object.fromEntries([...this.machines.values()].map((m) => [m.spec.envVar, m.arn]));
  }

  stats(): StepFunctionsStats {
    return { ...this.counters, running: this.running.size };
  }

  async healthy(): Promise<boolean> {
    return !this.stopped;
  }

  /** Resolves once no execution runs and no Lambda call is in flight. */
  async idle(): Promise<void> {
    while (this.running.size > 0 || this.inflight.size > 0) {
      await Promise.allSettled([...[...this.running].map((e) => e.settled), ...this.inflight]);
    }
  }

  /**
   * Stops running executions: in memory only, they are aborted; kept on disk, they are left RUNNING there, to go
   * on after the next start. A handler already called finishes on its own (see idle()).
   */
  async stop(): Promise<void> {
    this.stopped = true;
    this.detached = this.journal !== undefined;
    if (this.detached) this.detachedAt = Date.now();
    const running = [...this.running];
    for (const execution of running) {
      if (this.detached) execution.abort?.();
      else this.abort(execution);
      execution.wake?.();
    }
    await Promise.allSettled(running.map((e) => e.settled));
  }

  async handle(request: AwsRequest): Promise<AwsResponse> {
    const requestId = randomUUID();
    try {
      const operation = request.target?.startsWith('AWSStepFunctions.')
        ? request.target.slice('AWSStepFunctions.'.length)
        : undefined;
      let body: unknown;
      try {
        body = request.body.trim() === '' ? {} : JSON.parse(request.body);
      } catch {
        throw new SfnError('SerializationException', 'The request body is not valid JSON');
      }
      if (!isRecord(body)) throw new SfnError('SerializationException', 'The request body must be a JSON object');
      return respond(200, await this.dispatch(operation, body), requestId);
    } catch (error) {
      if (error instanceof SfnError) {
        return respond(error.status, { __type: error.type, message: error.message }, requestId, error.type);
      }
      const message = error instanceof Error ? error.message : String(error);
      return respond(500, { __type: 'InternalFailure', message }, requestId, 'InternalFailure');
    }
  }

  private dispatch(operation: string | undefined, body: Record<string, unknown>): unknown {
    switch (operation) {
      case 'StartExecution':
        return this.startExecution(body);
      case 'DescribeExecution':
        return this.describeExecution(body);
      case 'GetExecutionHistory':
        return this.getExecutionHistory(body);
      case 'ListExecutions':
        return this.listExecutions(body);
      case 'StopExecution':
        return this.stopExecution(body);
      case 'DescribeStateMachine':
        return this.describeStateMachine(body);
      case 'ListStateMachines':
        return this.listStateMachines(body);
      default:
        throw new SfnError('UnknownOperationException', `Operation ${operation ?? '(none)'} is not supported`);
    }
  }

  // --- operations ---

  private startExecution(body: Record<string, unknown>): StartExecutionOutput {
    if (this.stopped) throw new SfnError('ServiceUnavailable', 'The sandbox is stopping', 503);
    const machine = this.machine(required(body, 'stateMachineArn'));
    const name = optional(body, 'name') ?? randomUUID();
    if (!isValidExecutionName(name)) throw new SfnError('InvalidName', `Invalid Name: '${name}'`);
    const input = optional(body, 'input') ?? '{}';
    if (Buffer.byteLength(input) > MAX_INPUT_BYTES) {
      throw new SfnError('InvalidExecutionInput', 'Input exceeds the 262144 bytes limit');
    }
    try {
      JSON.parse(input);
    } catch {
      throw new SfnError('InvalidExecutionInput', `Invalid State Machine Execution Input: '${input}'`);
    }
    const arn = executionArn(this.region, this.accountId, machine.spec.name, name);
    const existing = this.executions.get(arn);
    if (existing) {
      // Standard workflows: idempotent only while the first one runs with the identical input.
      if (existing.status === 'RUNNING' && existing.input === input) {
        return { executionArn: existing.arn, startDate: existing.startDate };
      }
      throw new SfnError('ExecutionAlreadyExists', `Execution Already Exists: '${arn}'`);
    }
    const execution = this.start(machine, arn, name, input);
    return { executionArn: execution.arn, startDate: execution.startDate };
  }

  private describeExecution(body: Record<string, unknown>): DescribeExecutionOutput {
    const e = this.execution(required(body, 'executionArn'));
    return {
      executionArn: e.arn,
      stateMachineArn: e.machine.arn,
      name: e.name,
      status: e.status,
      startDate: e.startDate,
      stopDate: e.stopDate,
      input: e.input,
      inputDetails: { included: true },
      ...(e.status === 'SUCCEEDED' ? { output: e.output, outputDetails: { included: true } } : {}),
      error: e.error,
      cause: e.cause,
      redriveCount: 0,
    };
  }

  private getExecutionHistory(body: Record<string, unknown>): GetExecutionHistoryOutput {
    const e = this.execution(required(body, 'executionArn'));
    const withData = optionalBoolean(body, 'includeExecutionData') ?? true;
    const events = e.historyOnDisk && this.journal ? this.journal.history(e.arn) : e.events;
    const ordered = optionalBoolean(body, 'reverseOrder') ? [...events].reverse() : events;
    const { items, nextToken } = page(ordered, body, e.arn);
    return { events: withData ? items : items.map(withoutData), nextToken };
  }

  private listExecutions(body: Record<string, unknown>): ListExecutionsOutput {
    const machine = this.machine(required(body, 'stateMachineArn'));
    const statusFilter = optional(body, 'statusFilter');
    // Newest first, as AWS lists them.
    const executions = [...this.executions.values()]
      .filter((e) => e.machine === machine && (!statusFilter || e.status === statusFilter))
      .reverse()
      .map(
        (e): ExecutionListItem => ({
          executionArn: e.arn,
          stateMachineArn: machine.arn,
          name: e.name,
          status: e.status,
          startDate: e.startDate,
          stopDate: e.stopDate,
        }),
      );
    const { items, nextToken } = page(executions, body, `${machine.arn}|${statusFilter ?? ''}`);
    return { executions: items, nextToken };
  }

  private async stopExecution(body: Record<string, unknown>): Promise<StopExecutionOutput> {
    const e = this.execution(required(body, 'executionArn'));
    this.abort(e, optional(body, 'error'), optional(body, 'cause'));
    // Answer once the history holds ExecutionAborted, so a following read sees it.
    await e.settled;
    return { stopDate: e.stopDate ?? new Date() };
  }

  private describeStateMachine(body: Record<string, unknown>): DescribeStateMachineOutput {
    const m = this.machine(required(body, 'stateMachineArn'));
    return {
      stateMachineArn: m.arn,
      name: m.spec.name,
      status: 'ACTIVE',
      definition: m.definition,
      roleArn: m.roleArn,
      type: 'STANDARD',
      creationDate: m.createdAt,
      loggingConfiguration: { level: 'OFF', includeExecutionData: false },
      tracingConfiguration: { enabled: false },
    };
  }

  private listStateMachines(body: Record<string, unknown>): ListStateMachinesOutput {
    const all = [...this.machines.values()].map(
      (m): StateMachineListItem => ({
        stateMachineArn: m.arn,
        name: m.spec.name,
        type: 'STANDARD',
        creationDate: m.createdAt,
      }),
    );
    const { items, nextToken } = page(all, body, 'stateMachines');
    return { stateMachines: items, nextToken };
  }

  // --- lookups ---

  private machine(arn: string): Machine {
    if (!/^arn:aws[a-z-]*:states:[^:]*:[^:]*:stateMachine:[^:]+(:[^:]+)?$/.test(arn)) {
      throw new SfnError('InvalidArn', `Invalid Arn: '${arn}'`);
    }
    const machine = this.machines.get(arn);
    if (!machine) throw new SfnError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
    return machine;
  }

  private execution(arn: string): Execution {
    if (!/^arn:aws[a-z-]*:states:[^:]*:[^:]*:execution:[^:]+:[^:]+$/.test(arn)) {
      throw new SfnError('InvalidArn', `Invalid Arn: '${arn}'`);
    }
    const execution = this.executions.get(arn);
    if (!execution) throw new SfnError('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`);
    return execution;
  }

  // --- loading definitions ---

  private load(spec: StateMachineSpec, rootDir: string): Machine {
    const file = path.resolve(rootDir, spec.file);
    const functions = new Map<string, LocalFunction>();
    const byPlaceholder = new Map<string, string>();
    for (const [placeholder, fn] of Object.entries(spec.tasks)) {
      const arn = lambdaFunctionArn(this.region, this.accountId, fn.handler);
      functions.set(localFunctionName(fn.handler), { arn, spec: fn });
      byPlaceholder.set(placeholder, arn);
    }
    // Textual, like CloudFormation's DefinitionSubstitutions; a placeholder left over is a typo.
    const definition = readFileSync(file, 'utf8').replace(/\$\{([^}]*)\}/g, (match, key: string) => {
      const arn = byPlaceholder.get(key);
      if (!arn) throw new Error(`${spec.file}: ${match} has no entry in the ${spec.name} spec's tasks`);
      return arn;
    });
    const parsed: unknown = JSON.parse(definition);
    if (!isRecord(parsed)) throw new Error(`${spec.file}: not a state machine definition`);
    const tasks = new Map<string, TaskBinding>();
    collectTasks(parsed, spec.file, functions, tasks);
    // The library validates with asl-validator, so a broken file fails at start. That compiles its
    // JSON schemas on every call (about a second), hence once per distinct definition and process.
    const runner = new StateMachine(parsed as unknown as StateMachineDefinition, {
      validationOptions: { noValidate: validated.has(definition) },
    });
    validated.add(definition);
    return {
      spec,
      arn: stateMachineArn(this.region, this.accountId, spec.name),
      roleArn: `arn:aws:iam::${this.accountId}:role/${spec.name}StateMachineRole`,
      definition,
      runner,
      parsed,
      resumeRunners: new Map(),
      tasks,
      functions,
      createdAt: new Date(),
    };
  }

  /** The machine's definition, started at another of its top-level states (validated already, as a whole). */
  private runnerFrom(machine: Machine, state: string): StateMachine {
    if (state === machine.parsed.StartAt) return machine.runner;
    let runner = machine.resumeRunners.get(state);
    if (!runner) {
      runner = new StateMachine({ ...machine.parsed, StartAt: state } as unknown as StateMachineDefinition, {
        validationOptions: { noValidate: true },
      });
      machine.resumeRunners.set(state, runner);
    }
    return runner;
  }

  // --- kept on disk ---

  /** An execution read back from disk: closed, it is kept as it was; running, it waits for resume(). */
  private restore(stored: StoredExecution): void {
    const machine = this.machines.get(stored.machineArn);
    // A machine no longer defined: its executions stay on disk, unlisted.
    if (!machine) return;
    const running = stored.status === 'RUNNING';
    const execution: Execution = {
      arn: stored.arn,
      name: stored.name,
      machine,
      input: stored.input,
      status: stored.status,
      startDate: stored.startDate,
      ...(stored.stopDate && { stopDate: stored.stopDate }),
      ...(stored.output !== undefined && { output: stored.output }),
      ...(stored.error !== undefined && { error: stored.error }),
      ...(stored.cause !== undefined && { cause: stored.cause }),
      events: running ? stored.events : [],
      eventCount: stored.events.length,
      historyOnDisk: !running,
      invocations: new Map(),
      faulted: new Set(),
      settled: Promise.resolve(),
    };
    this.executions.set(execution.arn, execution);
    if (!running) {
      this.closed.add(execution);
      return;
    }
    const states = machine.parsed.States;
    const point = resumePoint(stored.events, new Set(isRecord(states) ? Object.keys(states) : []));
    if (point) {
      // The Lambda call in flight when the sandbox died still counts as running until it would have timed out:
      // an idempotency lock it took may hold until then. (Its state's entry may have been lost with the process,
      // a moment after the call began: the call is the one that counts.)
      const { lastTask } = stored;
      const binding = lastTask && machine.tasks.get(lastTask.state);
      const timeoutSeconds = Math.min(
        binding?.fn?.spec.timeout ?? DEFAULT_TIMEOUT_SECONDS,
        binding?.timeoutSeconds ?? Number.POSITIVE_INFINITY,
      );
      const notBefore = lastTask && lastTask.at >= point.enteredAt ? lastTask.at + timeoutSeconds * 1000 : 0;
      execution.resume = { state: point.state, input: point.input, notBefore };
    }
    this.interrupted.push(execution);
  }

  /** Drops the oldest closed executions beyond what is kept, from memory and disk. */
  private trimClosed(): void {
    for (const execution of this.closed) {
      if (this.closed.size <= this.maxClosed) break;
      this.closed.delete(execution);
      this.executions.delete(execution.arn);
      this.journal?.remove(execution.arn);
    }
  }

  /** Once an execution has closed and its history is complete: its history stays on disk only, if it is kept there. */
  private settle(execution: Execution): void {
    this.running.delete(execution);
    if (execution.status === 'RUNNING') return;
    if (this.journal) {
      execution.events = [];
      execution.historyOnDisk = true;
    }
    execution.invocations.clear();
    this.closed.add(execution);
    this.trimClosed();
  }

  // --- running ---

  private start(machine: Machine, arn: string, name: string, input: string): Execution {
    const execution: Execution = {
      arn,
      name,
      machine,
      input,
      status: 'RUNNING',
      startDate: new Date(),
      events: [],
      eventCount: 0,
      invocations: new Map(),
      faulted: new Set(),
      settled: Promise.resolve(),
    };
    // On disk before StartExecution answers: an execution it reported started survives the sandbox.
    this.journal?.started({ arn, name, machineArn: machine.arn, input, startDate: execution.startDate });
    this.executions.set(arn, execution);
    this.counters.executionsStarted++;
    this.launch(execution, 0);
    return execution;
  }

  private launch(execution: Execution, delayMs: number): void {
    this.running.add(execution);
    // Deferred: the library calls the first handler synchronously, and StartExecution answers first.
    const begun = new Promise<void>((resolve) => {
      if (delayMs <= 0) {
        setImmediate(resolve);
        return;
      }
      const timer = setTimeout(resolve, delayMs);
      execution.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    execution.settled = begun
      .then(() => this.run(execution))
      .catch((error: unknown) => {
        if (execution.status === 'RUNNING' && !this.detached) {
          this.close(execution, 'FAILED', failure('States.Runtime', String(error)));
        }
      })
      .finally(() => this.settle(execution));
  }

  private async run(execution: Execution): Promise<void> {
    const { machine, resume } = execution;
    if (this.detached) return;
    if (execution.status !== 'RUNNING') {
      // Stopped before it began (or went on).
      if (!resume)
        this.push(execution, 'ExecutionStarted', execution.startDate.getTime(), this.startedDetails(execution));
      this.push(execution, 'ExecutionAborted', Date.now(), this.abortedDetails(execution));
      return;
    }
    const handlers: LocalHandlers = {};
    for (const [state, binding] of machine.tasks) {
      handlers[state] = (input) => this.callTask(execution, state, binding, input);
    }
    if (resume && !isRecord(isRecord(machine.parsed.States) ? machine.parsed.States[resume.state] : undefined)) {
      const details = failure('States.Runtime', `State ${resume.state} is no longer in the definition`);
      this.close(execution, 'FAILED', details);
      this.push(execution, 'ExecutionFailed', Date.now(), { executionFailedEventDetails: details });
      return;
    }
    // An interrupted execution goes on at the state it was in, with that state's input.
    const runner = resume ? this.runnerFrom(machine, resume.state) : machine.runner;
    // Read by the library at each retry: no wait after an injected fault (see callTask).
    const retryIntervalOverrides = new Proxy({} as Record<string, number>, {
      get: (_, state) => (typeof state === 'string' && execution.faulted.has(state) ? 0 : undefined),
    });
    const run = runner.run(JSON.parse(resume ? resume.input : execution.input) as Json, {
      overrides: { taskResourceLocalHandlers: handlers, retryIntervalOverrides },
      context: {
        Execution: {
          Id: execution.arn,
          Name: execution.name,
          RoleArn: machine.roleArn,
          StartTime: execution.startDate.toISOString(),
        },
        StateMachine: { Id: machine.arn, Name: machine.spec.name },
      },
    });
    execution.abort = run.abort;
    const history = this.record(execution, run.eventLogs);
    let status: ExecutionStatus;
    let details: { output?: string; error?: string; cause?: string };
    try {
      const output = await run.result;
      status = 'SUCCEEDED';
      details = { output: JSON.stringify(output ?? null) };
    } catch (error) {
      if (error instanceof ExecutionAbortedError) {
        status = 'ABORTED';
        details = {};
      } else if (error instanceof ExecutionTimeoutError) {
        status = 'TIMED_OUT';
        details = { error: 'States.Timeout', cause: 'The execution timed out (TimeoutSeconds)' };
      } else {
        const cause = error instanceof ExecutionError && error.cause instanceof Error ? error.cause : error;
        status = 'FAILED';
        details =
          cause instanceof Error ? failure(cause.name, cause.message) : failure('States.Runtime', String(cause));
      }
    }
    // The status turns final only once the history holds the closing event.
    await history;
    if (execution.status === 'RUNNING' && !this.detached) this.close(execution, status, details);
  }

  private close(
    execution: Execution,
    status: ExecutionStatus,
    details: { output?: string; error?: string; cause?: string },
  ): void {
    const stopDate = new Date();
    Object.assign(execution, { status, stopDate }, details);
    this.journal?.closed(execution.arn, { status, stopDate, ...details });
  }

  private abort(execution: Execution, error?: string, cause?: string): void {
    if (execution.status !== 'RUNNING') return;
    this.close(execution, 'ABORTED', { error, cause });
    execution.abort?.();
  }

  private async callTask(execution: Execution, state: string, binding: TaskBinding, input: Json): Promise<Json> {
    // After an abort the library may still retry the current state; nothing must run then.
    if (execution.status !== 'RUNNING' || this.detached) throw new Error('The execution has been stopped');
    // On disk before the call: were the sandbox to die during it, the call is retried once it would have timed out.
    this.journal?.task(execution.arn, state, Date.now());
    const invocation: Invocation = {
      binding,
      resource: binding.fn?.arn ?? LAMBDA_INVOKE,
      input: JSON.stringify(input ?? null),
      scheduledAt: Date.now(),
    };
    const queue = execution.invocations.get(state) ?? [];
    queue.push(invocation);
    execution.invocations.set(state, queue);

    let fn = binding.fn;
    let payload: unknown = input;
    if (binding.kind === 'invoke') {
      // `lambda:invoke` receives { FunctionName, Payload } after Parameters and returns the Invoke response.
      const functionName = isRecord(input) ? input.FunctionName : undefined;
      fn = typeof functionName === 'string' ? execution.machine.functions.get(functionNameOf(functionName)) : undefined;
      payload = isRecord(input) ? (input.Payload ?? {}) : {};
    }
    try {
      if (!fn) {
        throw Object.assign(new Error(`Function not found: ${String(isRecord(input) ? input.FunctionName : input)}`), {
          name: 'Lambda.ResourceNotFoundException',
        });
      }
      const call = this.invoke(fn.spec, throughJson(payload));
      this.inflight.add(call);
      const settle = () => this.inflight.delete(call);
      call.then(settle, settle);
      const result = throughJson(await call);
      invocation.outcome = { ok: true, output: JSON.stringify(result), at: Date.now() };
      if (binding.kind === 'lambda') return result;
      return {
        ExecutedVersion: '$LATEST',
        Payload: result,
        SdkHttpMetadata: { HttpStatusCode: 200 },
        SdkResponseMetadata: { RequestId: randomUUID() },
        StatusCode: 200,
      };
    } catch (thrown) {
      // A failure the sandbox made up is retried at once: a test sees where the retries lead without their waits.
      if (thrown instanceof InjectedFaultError) execution.faulted.add(state);
      else execution.faulted.delete(state);
      const error = toFunctionError(thrown);
      invocation.outcome = { ok: false, error: error.name, cause: error.message, at: Date.now() };
      throw error;
    }
  }

  // --- history ---

  private async record(execution: Execution, logs: AsyncGenerator<LibEvent>): Promise<void> {
    for await (const event of logs) {
      // Stopped with the sandbox: what the library reports from then on (the abort) did not happen to the execution.
      if (event.timestamp > this.detachedAt || (this.detached && event.type === 'ExecutionAborted')) continue;
      this.onEvent(execution, event);
    }
  }

  /** Maps the library's event log onto AWS history events, adding the Lambda events it lacks. */
  private onEvent(e: Execution, event: LibEvent): void {
    const at = event.timestamp;
    switch (event.type) {
      case 'ExecutionStarted':
        // A run that goes on from the state the sandbox left it in has started long ago.
        if (!e.resume) this.push(e, 'ExecutionStarted', e.startDate.getTime(), this.startedDetails(e));
        break;
      case 'StateEntered':
        this.counters.stateTransitions++;
        this.push(e, ENTERED[event.state.type], at, {
          stateEnteredEventDetails: {
            name: event.state.name,
            input: JSON.stringify(event.state.input),
            inputDetails: { truncated: false },
          },
        });
        break;
      case 'StateExited': {
        if (event.state.type === 'Task') this.pushInvocation(e, event.state.name, false, at);
        const type = EXITED[event.state.type];
        if (type) {
          this.push(e, type, at, {
            stateExitedEventDetails: {
              name: event.state.name,
              output: JSON.stringify(event.state.output ?? null),
              outputDetails: { truncated: false },
            },
          });
        }
        break;
      }
      case 'StateFailed':
        if (event.state.type === 'Task') this.pushInvocation(e, event.state.name, event.Error === 'States.Timeout', at);
        break;
      case 'StateRetried':
        this.counters.stateTransitions++;
        break;
      case 'ExecutionSucceeded':
        this.push(e, 'ExecutionSucceeded', at, {
          executionSucceededEventDetails: {
            output: JSON.stringify(event.output ?? null),
            outputDetails: { truncated: false },
          },
        });
        break;
      case 'ExecutionFailed':
        this.push(e, 'ExecutionFailed', at, { executionFailedEventDetails: failure(event.Error, event.Cause) });
        break;
      case 'ExecutionAborted':
        this.push(e, 'ExecutionAborted', at, this.abortedDetails(e));
        break;
      case 'ExecutionTimeout':
        this.push(e, 'ExecutionTimedOut', at, {
          executionTimedOutEventDetails: { error: 'States.Timeout', cause: 'The execution timed out (TimeoutSeconds)' },
        });
        break;
      case 'MapIterationStarted':
        this.push(e, event.type, at, {
          mapIterationStartedEventDetails: { name: event.parentState.name, index: event.index },
        });
        break;
      case 'MapIterationSucceeded':
        this.push(e, event.type, at, {
          mapIterationSucceededEventDetails: { name: event.parentState.name, index: event.index },
        });
        break;
      case 'MapIterationFailed':
        this.push(e, event.type, at, {
          mapIterationFailedEventDetails: { name: event.parentState.name, index: event.index },
        });
        break;
      // StateCaught has no AWS counterpart (the catcher shows as the next state); Parallel branch
      // events have none either.
      default:
        break;
    }
  }

  /** Places the Lambda call that a Task attempt made before the attempt's exit or failure. */
  private pushInvocation(e: Execution, state: string, timedOut: boolean, at: number): void {
    const queue = e.invocations.get(state);
    if (!queue) return;
    // A timed-out call has no outcome; otherwise the earliest finished call belongs to this attempt.
    const index = queue.findIndex((i) => (timedOut ? !i.outcome : i.outcome));
    const invocation = index >= 0 ? queue.splice(index, 1)[0] : undefined;
    if (!invocation) return;
    const { binding, resource, input, scheduledAt, outcome } = invocation;
    const timeoutInSeconds = binding.timeoutSeconds;
    if (binding.kind === 'lambda') {
      this.push(e, 'LambdaFunctionScheduled', scheduledAt, {
        lambdaFunctionScheduledEventDetails: { resource, input, inputDetails: { truncated: false }, timeoutInSeconds },
      });
      this.push(e, 'LambdaFunctionStarted', scheduledAt);
      if (timedOut) {
        this.push(e, 'LambdaFunctionTimedOut', at, {
          lambdaFunctionTimedOutEventDetails: { error: 'States.Timeout', cause: 'The Task state timed out' },
        });
      } else if (outcome?.ok) {
        this.push(e, 'LambdaFunctionSucceeded', outcome.at, {
          lambdaFunctionSucceededEventDetails: { output: outcome.output, outputDetails: { truncated: false } },
        });
      } else if (outcome) {
        this.push(e, 'LambdaFunctionFailed', outcome.at, {
          lambdaFunctionFailedEventDetails: { error: outcome.error, cause: outcome.cause },
        });
      }
      return;
    }
    const task = { resourceType: 'lambda', resource: 'invoke' };
    this.push(e, 'TaskScheduled', scheduledAt, {
      taskScheduledEventDetails: { ...task, region: this.region, parameters: input, timeoutInSeconds },
    });
    this.push(e, 'TaskStarted', scheduledAt, { taskStartedEventDetails: task });
    if (timedOut) {
      this.push(e, 'TaskTimedOut', at, {
        taskTimedOutEventDetails: { ...task, error: 'States.Timeout', cause: 'The Task state timed out' },
      });
    } else if (outcome?.ok) {
      this.push(e, 'TaskSucceeded', outcome.at, {
        taskSucceededEventDetails: { ...task, output: outcome.output, outputDetails: { truncated: false } },
      });
    } else if (outcome) {
      this.push(e, 'TaskFailed', outcome.at, {
        taskFailedEventDetails: { ...task, error: outcome.error, cause: outcome.cause },
      });
    }
  }

  private startedDetails(e: Execution): Partial<HistoryEvent> {
    return {
      executionStartedEventDetails: {
        input: e.input,
        inputDetails: { truncated: false },
        roleArn: e.machine.roleArn,
      },
    };
  }

  private abortedDetails(e: Execution): Partial<HistoryEvent> {
    return { executionAbortedEventDetails: { error: e.error, cause: e.cause } };
  }

  private push(e: Execution, type: HistoryEventType, at: number, details: Partial<HistoryEvent> = {}): void {
    const id = ++e.eventCount;
    // Linear executions chain each event to the one before, as AWS's history does.
    const event: HistoryEvent = { timestamp: new Date(at), type, id, previousEventId: id - 1, ...details };
    this.journal?.event(e.arn, event);
    if (e.historyOnDisk) return;
    e.events.push(event);
  }
}

/** Finds every Task state (Parallel branches and Map processors included) and binds it to a function. */
const collectTasks = (
  definition: Record<string, unknown>,
  file: string,
  functions: Map<string, LocalFunction>,
  tasks: Map<string, TaskBinding>,
): void => {
  // The library silently ignores JSONata; refuse it rather than run something else than AWS would.
  if (definition.QueryLanguage === 'JSONata') throw new Error(`${file}: JSONata is not supported locally`);
  const states = definition.States;
  if (!isRecord(states)) return;
  for (const [name, state] of Object.entries(states)) {
    if (!isRecord(state)) continue;
    if (state.QueryLanguage === 'JSONata') throw new Error(`${file}: ${name}: JSONata is not supported locally`);
    if (Array.isArray(state.Branches)) {
      for (const branch of state.Branches) if (isRecord(branch)) collectTasks(branch, file, functions, tasks);
    }
    const processor = state.ItemProcessor ?? state.Iterator;
    if (isRecord(processor)) collectTasks(processor, file, functions, tasks);
    if (state.Type !== 'Task') continue;
    // The library overrides Task states by name, so names must be unique machine-wide (AWS requires it too).
    if (tasks.has(name)) throw new Error(`${file}: Task state name "${name}" is used twice`);
    const resource = state.Resource;
    const timeoutSeconds = typeof state.TimeoutSeconds === 'number' ? state.TimeoutSeconds : undefined;
    if (resource === LAMBDA_INVOKE) {
      tasks.set(name, { kind: 'invoke', timeoutSeconds });
      continue;
    }
    const fn = typeof resource === 'string' ? functions.get(functionNameOf(resource)) : undefined;
    if (!fn || fn.arn !== resource) {
      // Anything else would make the library call real AWS.
      throw new Error(`${file}: Task state "${name}" uses ${String(resource)}, which the sandbox does not emulate`);
    }
    tasks.set(name, { kind: 'lambda', fn, timeoutSeconds });
  }
};

// --- protocol helpers ---

const required = (body: Record<string, unknown>, key: string): string => {
  const value = optional(body, key);
  if (value === undefined) {
    throw new SfnError(
      'ValidationException',
      `1 validation error detected: Value null at '${key}' failed to satisfy constraint: Member must not be null`,
    );
  }
  return value;
};

const optional = (body: Record<string, unknown>, key: string): string | undefined => {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new SfnError('SerializationException', `'${key}' must be a string`);
  return value;
};

const optionalBoolean = (body: Record<string, unknown>, key: string): boolean | undefined => {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw new SfnError('SerializationException', `'${key}' must be a boolean`);
  return value;
};

/** Offset pagination; the token names its listing so it cannot be replayed against another one. */
const page = <T>(all: T[], body: Record<string, unknown>, scope: string): { items: T[]; nextToken?: string } => {
  const max = body.maxResults ?? 0;
  if (typeof max !== 'number' || !Number.isInteger(max) || max < 0 || max > MAX_PAGE) {
    throw new SfnError('ValidationException', `Value '${String(max)}' at 'maxResults' must be between 0 and 1000`);
  }
  const size = max === 0 ? DEFAULT_PAGE : max;
  let offset = 0;
  const token = optional(body, 'nextToken');
  if (token !== undefined) {
    let decoded: unknown;
    try {
      decoded = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    } catch {
      decoded = undefined;
    }
    if (!isRecord(decoded) || decoded.scope !== scope || typeof decoded.offset !== 'number') {
      throw new SfnError('InvalidToken', `Invalid Token: '${token}'`);
    }
    offset = decoded.offset;
  }
  const items = all.slice(offset, offset + size);
  const next = offset + size;
  if (next >= all.length) return { items };
  return { items, nextToken: Buffer.from(JSON.stringify({ scope, offset: next })).toString('base64url') };
};

const DATA_KEYS = new Set(['input', 'inputDetails', 'output', 'outputDetails', 'parameters']);

/** includeExecutionData=false: the events without their inputs and outputs. */
const withoutData = (event: HistoryEvent): HistoryEvent =>
  Object.fromEntries(
    Object.entries(event).map(([key, value]) => [
      key,
      key.endsWith('EventDetails') && isRecord(value)
        ? Object.fromEntries(Object.entries(value).filter(([k]) => !DATA_KEYS.has(k)))
        : value,
    ]),
  ) as HistoryEvent;

const respond = (status: number, body: unknown, requestId: string, errorType?: string): AwsResponse => ({
  status,
  headers: {
    'content-type': 'application/x-amz-json-1.0',
    'x-amzn-requestid': requestId,
    ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
  },
  // awsJson1_0 carries timestamps as epoch seconds.
  body: JSON.stringify(body, function (this: Record<string, unknown>, key: string, value: unknown) {
    const raw = this[key];
    return raw instanceof Date ? raw.getTime() / 1000 : value;
  }),
});
