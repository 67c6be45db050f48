import { randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { Worker } from 'node:worker_threads';
import { build } from 'esbuild';
import { DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT_SECONDS, type FunctionSpec } from '../../lib/spec/bindings';
import { functionBuildOptions } from '../../lib/spec/bundling';
import {
  FunctionError,
  type Invoke,
  type InvokeOptions,
  LambdaThrottledError,
  LambdaTimeoutError,
  localFunctionName,
} from './invoke';
import type { CallCounts, InvokeMessage, RuntimeData, RuntimeMessage } from './runtime';

export interface LocalLambdaOptions {
  /** Every function there is, as a deployed stack has them: one build bundles them all. */
  functions: readonly FunctionSpec[];
  /** A handler `catalog/handlers/http/get-product` is the module `<functionsDir>/catalog/handlers/http/get-product.ts`. */
  functionsDir: string;
  /** Where the functions' bundles are written (the caller owns and clears it). */
  workDir: string;
  region: string;
  accountId: string;
  /** Every variable a function's instances see: the caller decides (its bindings, the runtime's own, endpoints). */
  environment: (fn: FunctionSpec) => Record<string, string>;
  /** Instances per function at most, i.e. the invocations it runs at once (default: DEFAULT_CONCURRENCY). */
  concurrency?: number;
  /**
   * Synchronous invocations that may wait for an instance of a busy function; one more is throttled (default 1,000).
   * Asynchronous ones (InvokeOptions.asynchronous) wait in any number, as in Lambda's own queue.
   */
  maxQueued?: number;
  /** An instance idle this long is stopped, as Lambda reclaims idle environments (default 10 minutes). */
  idleMs?: number;
  /**
   * Instances of all functions together (about 17 MB each) beyond which a cold start first stops the least
   * recently used idle instance of any function (default 48). Busy instances are never stopped for it.
   */
  maxInstances?: number;
  /** Where the instances' output goes, line by line (default: this process's stdout and stderr). */
  output?: (line: string, from: { handler: string; stream: 'stdout' | 'stderr' }) => void;
  /**
   * Hosts (`127.0.0.1:8000`) the functions reach without the sandbox's endpoint in between (DynamoDB Local): their
   * AWS calls to them are counted in the instances and handed to `onCalls` with each answer.
   */
  countedHosts?: string[];
  onCalls?: (calls: CallCounts) => void;
}

export interface FunctionStats {
  invocations: number;
  /** Instances started: each one's first invocation paid the init phase. */
  coldStarts: number;
  /** Invocations that failed: function errors, init errors, crashes and timeouts. */
  errors: number;
  timeouts: number;
  throttles: number;
  /** Instances now, busy or idle, and the most there were at once. */
  instances: number;
  busy: number;
  queued: number;
  peakInstances: number;
  /** Init phase (worker start to handler loaded), in ms: the mean and the slowest. */
  initMsMean: number;
  initMsMax: number;
  /**
   * CPU time its instances' threads spent, in ms, on init phases and on invocations (Linux; 0 elsewhere): what the
   * function costs this machine, apart from the sandbox's own work around it.
   */
  cpuMs: { init: number; invocations: number };
}

export interface LambdaStats {
  /** Instances of all functions now. */
  instances: number;
  functions: Record<string, FunctionStats>;
}

/**
 * Lambda would run many more, but here the instances share this machine's cores: beyond about two per core a
 * CPU-bound function (bcrypt) gains no throughput, and each of its invocations slows towards its timeout.
 */
export const DEFAULT_CONCURRENCY = Math.min(10, Math.max(4, 2 * availableParallelism()));
/**
 * Lambda runs 1,000 invocations of an account at once by default before it throttles; here the ones beyond the
 * instances wait instead, so a burst a deployed stage takes (every protected request of it calls the one
 * authorizer) is slower here but not refused.
 */
const DEFAULT_MAX_QUEUED = 1000;
const DEFAULT_IDLE_MS = 10 * 60_000;
const DEFAULT_MAX_INSTANCES = 48;

/**
 * V8's tier-up threshold, four times its default (66 KB of bytecode run, Node 20's V8 11.3). Every instance is an
 * isolate of its own that optimizes the same library code (SDK, middy, zod) for itself, on V8's few background
 * threads shared by the whole process: with some fifty instances that each run a few hundred invocations, TurboFan
 * compiled code that was rarely run enough to pay back, about a sixth of the checkout bench's CPU. Code that is
 * really hot still gets optimized, a little later.
 */
const TIER_UP_FLAG = '--interrupt-budget=270336';
let tierUpSet = false;

const entryName = (handler: string) => handler.replaceAll('/', '-');
const RUNTIME_ENTRY = 'runtime';

/** Splits a stream's chunks into whole lines. */
const lines = (stream: NodeJS.ReadableStream, emit: (line: string) => void) => {
  let rest = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const parts = (rest + chunk).split('\n');
    rest = parts.pop() ?? '';
    for (const line of parts) emit(line);
  });
  stream.on('end', () => {
    if (rest) emit(rest);
  });
};

interface Running {
  requestId: string;
  resolve: (payload: string) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * One execution environment: a worker thread with the function's own environment variables and module state,
 * running one invocation at a time. A timeout terminates it, so nothing of that invocation runs on.
 */
class Instance {
  readonly ready: Promise<number>;
  lastUsed = Date.now();
  dead = false;
  private readonly worker: Worker;
  private running: Running | undefined;
  private initDone: ((initMs: number) => void) | undefined;
  private initFailed: ((error: Error) => void) | undefined;

  constructor(
    private readonly fn: FunctionSpec,
    setup: { runtime: string; data: RuntimeData; env: Record<string, string> },
    output: NonNullable<LocalLambdaOptions['output']>,
    private readonly died: (instance: Instance) => void,
    private readonly report: {
      calls?: (calls: CallCounts) => void;
      cpu?: (phase: 'init' | 'invocations', ms: number) => void;
    } = {},
  ) {
    this.ready = new Promise((resolve, reject) => {
      this.initDone = resolve;
      this.initFailed = reject;
    });
    this.worker = new Worker(setup.runtime, {
      workerData: setup.data,
      env: setup.env,
      // Not the sandbox's own flags (its TypeScript loader): the bundle is plain JavaScript.
      execArgv: [],
      stdout: true,
      stderr: true,
      name: setup.data.functionName,
      resourceLimits: { maxOldGenerationSizeMb: setup.data.memoryMb },
    });
    lines(this.worker.stdout, (line) => output(line, { handler: fn.handler, stream: 'stdout' }));
    lines(this.worker.stderr, (line) => output(line, { handler: fn.handler, stream: 'stderr' }));
    this.worker.on('message', (message: RuntimeMessage) => this.onMessage(message));
    this.worker.on('error', (error) => this.fail(error.message));
    this.worker.on('exit', (code) => this.fail(`exit code ${code}`));
  }

  invoke(event: string, timeoutSeconds: number): Promise<string> {
    const requestId = randomUUID();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.running = undefined;
        void this.terminate();
        reject(new LambdaTimeoutError(this.fn.handler, timeoutSeconds));
      }, timeoutSeconds * 1000);
      this.running = { requestId, resolve, reject, timer };
      const message: InvokeMessage = { requestId, deadline: Date.now() + timeoutSeconds * 1000, event };
      this.worker.postMessage(message);
    });
  }

  async terminate(): Promise<void> {
    this.dead = true;
    await this.worker.terminate();
  }

  private onMessage(message: RuntimeMessage) {
    if (message.calls) this.report.calls?.(message.calls);
    if (message.cpuMs !== undefined)
      this.report.cpu?.(message.type === 'ready' ? 'init' : 'invocations', message.cpuMs);
    if (message.type === 'ready') {
      this.initDone?.(message.initMs);
      return;
    }
    if (message.type === 'init-error') {
      const { errorType, errorMessage, trace } = message.error;
      this.initFailed?.(new FunctionError(errorType, errorMessage, trace));
      void this.terminate();
      return;
    }
    const running = this.running;
    if (!running || running.requestId !== message.requestId) return;
    this.running = undefined;
    clearTimeout(running.timer);
    if (message.type === 'result') running.resolve(message.payload);
    else running.reject(new FunctionError(message.error.errorType, message.error.errorMessage, message.error.trace));
  }

  /** The worker is gone (terminated, uncaught error, out of memory): what it was doing fails, it is never used again. */
  private fail(cause: string) {
    this.dead = true;
    const error = new FunctionError('Runtime.ExitError', `functions/${this.fn.handler}: the runtime exited (${cause})`);
    this.initFailed?.(error);
    const running = this.running;
    if (running) {
      this.running = undefined;
      clearTimeout(running.timer);
      running.reject(error);
    }
    this.died(this);
  }
}

interface Waiter {
  /** A free instance, or undefined: a start was reserved for this waiter. */
  resolve: (instance: Instance | undefined) => void;
  reject: (error: unknown) => void;
}

/** The instances of one function, up to its concurrency, and the invocations waiting for one. */
class FunctionPool {
  readonly instances = new Set<Instance>();
  readonly counters = { invocations: 0, coldStarts: 0, errors: 0, timeouts: 0, throttles: 0, peakInstances: 0 };
  readonly cpuMs = { init: 0, invocations: 0 };
  /** Most recently used last: reused first, so that the others idle long enough to be reclaimed. */
  private idle: Instance[] = [];
  private waiters: Waiter[] = [];
  /** Instances being started: they take their place in the concurrency already. */
  private starting = 0;
  private busy = 0;
  private stopped = false;
  private readonly initMs: number[] = [];

  constructor(
    readonly fn: FunctionSpec,
    private readonly concurrency: number,
    private readonly maxQueued: number,
    private readonly start: (died: (instance: Instance) => void) => Promise<Instance>,
  ) {}

  /** An instance for one invocation: an idle one, else a new one (a cold start) under the limit, else a wait. */
  async acquire(onStart?: () => void, asynchronous = false): Promise<Instance> {
    if (this.stopped) throw new Error('The sandbox is stopping');
    let instance = this.idle.pop();
    if (!instance) {
      if (this.size < this.concurrency) this.starting++;
      else if (!asynchronous && this.waiters.length >= this.maxQueued) {
        this.counters.throttles++;
        throw new LambdaThrottledError(this.fn.handler, this.concurrency);
      } else instance = await this.wait();
    }
    onStart?.();
    this.busy++;
    if (instance) return instance;
    try {
      return await this.coldStart();
    } catch (error) {
      this.busy--;
      this.handOn();
      throw error;
    }
  }

  /** Back after an invocation: to the next waiter, else idle; a dead one makes room for a new one. */
  release(instance: Instance) {
    this.busy--;
    if (instance.dead) {
      this.discard(instance);
      return;
    }
    instance.lastUsed = Date.now();
    const next = this.waiters.shift();
    if (next) next.resolve(instance);
    else this.idle.push(instance);
  }

  /** Stops the instances idle since before `cutoff`. */
  reap(cutoff: number) {
    for (const instance of this.idle.filter((i) => i.lastUsed < cutoff)) this.evict(instance);
  }

  /** The instance idle the longest, if any. */
  leastRecentlyUsed(): Instance | undefined {
    return this.idle[0];
  }

  evict(instance: Instance) {
    this.discard(instance);
    void instance.terminate();
  }

  async stop() {
    this.stopped = true;
    for (const waiter of this.waiters.splice(0)) waiter.reject(new Error('The sandbox is stopping'));
    const instances = [...this.instances];
    this.instances.clear();
    this.idle = [];
    await Promise.all(instances.map((instance) => instance.terminate()));
  }

  stats(): FunctionStats {
    const mean = this.initMs.length > 0 ? this.initMs.reduce((a, b) => a + b, 0) / this.initMs.length : 0;
    return {
      ...this.counters,
      instances: this.instances.size,
      busy: this.busy,
      queued: this.waiters.length,
      initMsMean: Math.round(mean),
      initMsMax: Math.round(Math.max(0, ...this.initMs)),
      cpuMs: { ...this.cpuMs },
    };
  }

  private get size() {
    return this.instances.size + this.starting;
  }

  /** Starts an instance in the place reserved for it (`starting`) and waits for its init phase. */
  private async coldStart(): Promise<Instance> {
    this.counters.coldStarts++;
    this.counters.peakInstances = Math.max(this.counters.peakInstances, this.size);
    try {
      const instance = await this.start((dead) => this.discard(dead));
      const initMs = await instance.ready.catch((error: unknown) => {
        void instance.terminate();
        throw error;
      });
      if (this.stopped) {
        await instance.terminate();
        throw new Error('The sandbox is stopping');
      }
      this.initMs.push(initMs);
      if (this.initMs.length > 100) this.initMs.shift();
      this.instances.add(instance);
      return instance;
    } finally {
      this.starting--;
    }
  }

  private wait(): Promise<Instance | undefined> {
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  /** Forgets a dead or reclaimed instance; the room it leaves goes to the next waiter. */
  private discard(instance: Instance) {
    if (!this.instances.delete(instance)) return;
    this.idle = this.idle.filter((i) => i !== instance);
    this.handOn();
  }

  private handOn() {
    if (this.stopped || this.waiters.length === 0 || this.size >= this.concurrency) return;
    this.starting++;
    this.waiters.shift()?.resolve(undefined);
  }
}

/**
 * Lambda for the sandbox: each function runs in its own execution environments (worker threads), started on
 * first use (a cold start) and kept warm for the next invocations, one invocation at a time per instance, up to
 * the function's concurrency. An instance has the environment variables of its function alone and its own
 * module state; a timeout terminates it.
 */
export class LocalLambda {
  private readonly pools = new Map<string, FunctionPool>();
  private readonly known: Set<string>;
  private built: Promise<void> | undefined;
  private readonly reaper: NodeJS.Timeout;
  private readonly output: NonNullable<LocalLambdaOptions['output']>;

  constructor(private readonly options: LocalLambdaOptions) {
    // Process-wide (V8 has no per-isolate flags), so before any instance starts; the sandbox's own code is hot enough.
    if (!tierUpSet) {
      setFlagsFromString(TIER_UP_FLAG);
      tierUpSet = true;
    }
    this.known = new Set(options.functions.map((fn) => fn.handler));
    const idleMs = options.idleMs ?? DEFAULT_IDLE_MS;
    this.reaper = setInterval(
      () => {
        for (const pool of this.pools.values()) pool.reap(Date.now() - idleMs);
      },
      Math.min(idleMs, 60_000),
    );
    this.reaper.unref();
    this.output =
      options.output ??
      ((line, { stream }) => (stream === 'stdout' ? process.stdout : process.stderr).write(`${line}\n`));
  }

  /** Runs `fn` with `event` on one of its instances; resolves with the function's result (through JSON). */
  readonly invoke: Invoke = async (fn: FunctionSpec, event: unknown, options: InvokeOptions = {}) => {
    const pool = this.pool(fn);
    let instance: Instance;
    try {
      instance = await pool.acquire(options.onStart, options.asynchronous);
    } catch (error) {
      // An init error is the invocation's error, as Lambda reports it.
      if (error instanceof FunctionError) {
        pool.counters.invocations++;
        pool.counters.errors++;
      }
      throw error;
    }
    pool.counters.invocations++;
    try {
      const payload = await instance.invoke(JSON.stringify(event ?? null), fn.timeout ?? DEFAULT_TIMEOUT_SECONDS);
      return JSON.parse(payload) as unknown;
    } catch (error) {
      pool.counters.errors++;
      if (error instanceof LambdaTimeoutError) {
        pool.counters.timeouts++;
        this.output(error.message, { handler: fn.handler, stream: 'stderr' });
      }
      throw error;
    } finally {
      pool.release(instance);
    }
  };

  stats(): LambdaStats {
    const functions = Object.fromEntries(
      [...this.pools].sort(([a], [b]) => a.localeCompare(b)).map(([handler, pool]) => [handler, pool.stats()]),
    );
    return { instances: [...this.pools.values()].reduce((sum, p) => sum + p.instances.size, 0), functions };
  }

  async stop(): Promise<void> {
    clearInterval(this.reaper);
    await Promise.all([...this.pools.values()].map((pool) => pool.stop()));
  }

  private pool(fn: FunctionSpec): FunctionPool {
    let pool = this.pools.get(fn.handler);
    if (!pool) {
      if (!this.known.has(fn.handler)) {
        throw new FunctionError('ResourceNotFoundException', `Function not found: ${localFunctionName(fn.handler)}`);
      }
      pool = new FunctionPool(
        fn,
        this.options.concurrency ?? DEFAULT_CONCURRENCY,
        this.options.maxQueued ?? DEFAULT_MAX_QUEUED,
        (died) =>
          this.startInstance(fn, died, (phase, ms) => {
            if (pool) pool.cpuMs[phase] += ms;
          }),
      );
      this.pools.set(fn.handler, pool);
    }
    return pool;
  }

  private async startInstance(
    fn: FunctionSpec,
    died: (instance: Instance) => void,
    cpu: (phase: 'init' | 'invocations', ms: number) => void,
  ): Promise<Instance> {
    await this.build();
    this.makeRoom();
    const file = (entry: string) => path.join(this.options.workDir, `${entry}.mjs`);
    const functionName = localFunctionName(fn.handler);
    const memoryMb = fn.memory ?? DEFAULT_MEMORY_MB;
    const logGroupName = `/aws/lambda/${functionName}`;
    const logStreamName = randomUUID().replaceAll('-', '');
    const data: RuntimeData = {
      bundle: pathToFileURL(file(entryName(fn.handler))).href,
      functionName,
      memoryMb,
      logGroupName,
      logStreamName,
      region: this.options.region,
      accountId: this.options.accountId,
      ...(this.options.countedHosts && { countedHosts: this.options.countedHosts }),
    };
    // What the Lambda runtime itself sets, then the function's own variables.
    const env = {
      AWS_LAMBDA_FUNCTION_NAME: functionName,
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(memoryMb),
      AWS_LAMBDA_LOG_GROUP_NAME: logGroupName,
      AWS_LAMBDA_LOG_STREAM_NAME: logStreamName,
      ...this.options.environment(fn),
    };
    return new Instance(fn, { runtime: file(RUNTIME_ENTRY), data, env }, this.output, died, {
      ...(this.options.onCalls && { calls: this.options.onCalls }),
      cpu,
    });
  }

  /** At the cap of instances, stops the idle instance of any function that was used the longest time ago. */
  private makeRoom() {
    const pools = [...this.pools.values()];
    if (
      pools.reduce((sum, pool) => sum + pool.instances.size, 0) < (this.options.maxInstances ?? DEFAULT_MAX_INSTANCES)
    ) {
      return;
    }
    let oldest: { pool: FunctionPool; instance: Instance } | undefined;
    for (const pool of pools) {
      const instance = pool.leastRecentlyUsed();
      if (instance && (!oldest || instance.lastUsed < oldest.instance.lastUsed)) oldest = { pool, instance };
    }
    oldest?.pool.evict(oldest.instance);
  }

  /**
   * Bundles every function (and the runtime) as CDK's NodejsFunction does: ESM, minified with names kept,
   * dependencies included. One esbuild run with shared chunks builds them all in about the time of one.
   * Started at most once; the sandbox starts it early, an invocation awaits it.
   */
  build(): Promise<void> {
    this.built ??= this.bundleAll();
    return this.built;
  }

  private async bundleAll(): Promise<void> {
    const entryPoints = {
      [RUNTIME_ENTRY]: path.join(import.meta.dirname, 'runtime.ts'),
      ...Object.fromEntries(
        [...this.known].map((handler) => [entryName(handler), path.join(this.options.functionsDir, `${handler}.ts`)]),
      ),
    };
    await build({
      entryPoints,
      outdir: this.options.workDir,
      outExtension: { '.js': '.mjs' },
      splitting: true,
      chunkNames: 'chunks/[name]-[hash]',
      absWorkingDir: this.options.functionsDir,
      ...functionBuildOptions,
      // The Node.js that runs the sandbox, which may be older than Lambda's.
      target: `node${process.versions.node.split('.')[0]}`,
      logLevel: 'silent',
    }).catch((error: unknown) => {
      // As Lambda reports a function whose code cannot be loaded.
      throw new FunctionError('Runtime.ImportModuleError', error instanceof Error ? error.message : String(error));
    });
  }
}
