/**
 * The runtime inside one execution environment of the sandbox (a worker thread), as Lambda's Node.js runtime
 * is inside a microVM: it imports the function's bundle once (the init phase), then runs one event at a time
 * with a Lambda context and answers with the JSON result or the error. The sandbox bundles this file with
 * esbuild and starts it as the worker's entry; it imports nothing from the repository at run time.
 */
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
}

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

export type RuntimeMessage =
  | { type: 'ready'; initMs: number }
  | { type: 'init-error'; error: ErrorDocument }
  | { type: 'result'; requestId: string; payload: string }
  | { type: 'error'; requestId: string; error: ErrorDocument };

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

const run = async (port: NonNullable<typeof parentPort>, data: RuntimeData) => {
  process.setSourceMapsEnabled(true);
  const started = performance.now();
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
    port.postMessage({ type: 'init-error', error: errorDocument(error) } satisfies RuntimeMessage);
    return;
  }
  port.on('message', async (message: InvokeMessage) => {
    let reply: RuntimeMessage;
    try {
      const result = await handler(JSON.parse(message.event), context(data, message));
      reply = { type: 'result', requestId: message.requestId, payload: JSON.stringify(result ?? null) };
    } catch (error) {
      reply = { type: 'error', requestId: message.requestId, error: errorDocument(error) };
    }
    port.postMessage(reply);
  });
  port.postMessage({ type: 'ready', initMs: performance.now() - started } satisfies RuntimeMessage);
};

if (parentPort && workerData) await run(parentPort, workerData as RuntimeData);
