/**
 * The runtime inside one execution environment of the sandbox (a worker thread), as Lambda's Node.js runtime
 * is inside a microVM: it imports the function's bundle once (the init phase), then runs one event at a time
 * with a Lambda context and answers with the JSON result or the error. The sandbox bundles this file with
 * esbuild and starts it as the worker's entry; it imports nothing from the repository at run time.
 */
import { subscribe } from 'node:diagnostics_channel';
import { existsSync, readFileSync } from 'node:fs';
import type { ClientRequest } from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';
import type { Context } from 'aws-lambda';

export interface RuntimeData {
  /** file: URL of the function's bundle. */
  bundle: string;
  functionName: string;
  memoryMb: number;
  logGroupName: string;
  logStreamName: string;
  region: string;
  accountId: string;
  /**
   * Hosts (`127.0.0.1:8000`) the function reaches directly rather than through the sandbox's endpoint (DynamoDB
   * Local): its AWS calls to them are counted here, by `X-Amz-Target`, and reported with each answer.
   */
  countedHosts?: string[];
}

/** AWS calls by `<service>.<operation>` (e.g. `dynamodb.GetItem`), as the sandbox's endpoint counts its own. */
export type CallCounts = Record<string, number>;

/** One invocation, from the sandbox to the runtime. The event travels as JSON, as Lambda hands it over. */
export interface InvokeMessage {
  requestId: string;
  /** Epoch milliseconds at which the function times out. */
  deadline: number;
  event: string;
}

/** How Lambda reports a function error: its type, message and stack. */
export interface ErrorDocument {
  errorType: string;
  errorMessage: string;
  trace: string[];
}

export type RuntimeMessage = (
  | { type: 'ready'; initMs: number }
  | { type: 'init-error'; error: ErrorDocument }
  | { type: 'result'; requestId: string; payload: string }
  | { type: 'error'; requestId: string; error: ErrorDocument }
) & {
  calls?: CallCounts;
  /** CPU time this instance's thread spent on the init phase or the invocation, where the system tells (Linux). */
  cpuMs?: number;
};

type Handler = (event: unknown, context: Context) => Promise<unknown>;

const errorDocument = (thrown: unknown): ErrorDocument => {
  const error = thrown instanceof Error ? thrown : new Error(String(thrown));
  return { errorType: error.name || 'Error', errorMessage: error.message, trace: error.stack?.split('\n') ?? [] };
};

const context = (data: RuntimeData, message: InvokeMessage): Context => ({
  callbackWaitsForEmptyEventLoop: false,
  functionName: data.functionName,
  functionVersion: '$LATEST',
  invokedFunctionArn: `arn:aws:lambda:${data.region}:${data.accountId}:function:${data.functionName}`,
  memoryLimitInMB: String(data.memoryMb),
  awsRequestId: message.requestId,
  logGroupName: data.logGroupName,
  logStreamName: data.logStreamName,
  getRemainingTimeInMillis: () => Math.max(0, message.deadline - Date.now()),
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
});

/** `DynamoDB_20120810.GetItem` -> `dynamodb.GetItem`; the service named as the sandbox's endpoint names it. */
const SERVICES: Record<string, string> = { DynamoDB_20120810: 'dynamodb' };

/** Counts the requests to `hosts` as they start (Node's http client announces each one), until taken. */
const callCounter = (hosts: string[]) => {
  let counts: CallCounts = {};
  let any = false;
  if (hosts.length > 0) {
    subscribe('http.client.request.start', (message) => {
      const request = (message as { request: ClientRequest }).request;
      if (!hosts.includes(String(request.getHeader('host')))) return;
      const [prefix = '', operation = 'unknown'] = String(request.getHeader('x-amz-target') ?? '').split('.');
      const key = `${SERVICES[prefix] ?? prefix}.${operation}`;
      counts[key] = (counts[key] ?? 0) + 1;
      any = true;
    });
  }
  return (): { calls?: CallCounts } => {
    if (!any) return {};
    const taken = counts;
    counts = {};
    any = false;
    return { calls: taken };
  };
};

/**
 * The CPU time of this thread so far, in ms, or undefined where /proc/thread-self is missing. The kernel brings a
 * running thread's count up to date only at its next tick or switch, so a thread reading its own lags by up to a
 * tick (4 ms): about 0.8 ms of every invocation went unseen, counted as if spent between invocations. Asking for the
 * process's usage first (getrusage) updates the calling thread's count; schedstat then tells it in nanoseconds.
 */
const THREAD_SCHEDSTAT = '/proc/thread-self/schedstat';
const threadCpuMs = existsSync(THREAD_SCHEDSTAT)
  ? () => {
      process.cpuUsage();
      return Number(readFileSync(THREAD_SCHEDSTAT, 'utf8').split(' ')[0]) / 1e6;
    }
  : () => undefined;

const cpuSince = (start: number | undefined): { cpuMs?: number } => {
  const now = threadCpuMs();
  return start === undefined || now === undefined ? {} : { cpuMs: now - start };
};

const run = async (port: NonNullable<typeof parentPort>, data: RuntimeData) => {
  const takeCalls = callCounter(data.countedHosts ?? []);
  const started = performance.now();
  const initCpu = threadCpuMs();
  let handler: Handler;
  try {
    const module = (await import(data.bundle)) as { handler?: Handler };
    if (typeof module.handler !== 'function') {
      throw Object.assign(new Error(`${data.functionName}: the module exports no handler`), {
        name: 'Runtime.HandlerNotFound',
      });
    }
    handler = module.handler;
  } catch (error) {
    port.postMessage({ type: 'init-error', error: errorDocument(error), ...takeCalls() } satisfies RuntimeMessage);
    return;
  }
  port.on('message', async (message: InvokeMessage) => {
    const cpu = threadCpuMs();
    let reply: RuntimeMessage;
    try {
      const result = await handler(JSON.parse(message.event), context(data, message));
      reply = { type: 'result', requestId: message.requestId, payload: JSON.stringify(result ?? null) };
    } catch (error) {
      reply = { type: 'error', requestId: message.requestId, error: errorDocument(error) };
    }
    port.postMessage({ ...reply, ...takeCalls(), ...cpuSince(cpu) });
  });
  port.postMessage({
    type: 'ready',
    initMs: performance.now() - started,
    ...takeCalls(),
    ...cpuSince(initCpu),
  } satisfies RuntimeMessage);
};

if (parentPort && workerData) await run(parentPort, workerData as RuntimeData);
