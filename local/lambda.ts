import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';

/** A Lambda handler as the functions export it. */
type Handler = (event: unknown, context: Context) => Promise<unknown>;

const FUNCTIONS_DIR = path.resolve(import.meta.dirname, '..', 'functions');
const loaded = new Map<string, Promise<Handler>>();

const load = (handler: string): Promise<Handler> => {
  let module = loaded.get(handler);
  if (!module) {
    const file = pathToFileURL(path.join(FUNCTIONS_DIR, `${handler}.ts`)).href;
    module = import(file).then((m: { handler?: Handler }) => {
      if (typeof m.handler !== 'function') throw new Error(`functions/${handler}.ts exports no handler`);
      return m.handler;
    });
    loaded.set(handler, module);
  }
  return module;
};

const context = (handler: string, timeoutMs: number): Context => {
  const deadline = Date.now() + timeoutMs;
  const functionName = `local-${handler.replaceAll('/', '-')}`;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
};

/**
 * Invokes a handler of functions/ in this process, as the Lambda runtime would: same module
 * (loaded once, so module-level clients are reused like a warm container), a Lambda context,
 * and the function's timeout.
 */
export const invoke = async <T = unknown>(handler: string, event: unknown, timeoutSeconds = 10): Promise<T> => {
  const fn = await load(handler);
  const timeoutMs = timeoutSeconds * 1000;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new LambdaTimeoutError(handler, timeoutSeconds)), timeoutMs);
  });
  try {
    return (await Promise.race([fn(event, context(handler, timeoutMs)), timeout])) as T;
  } finally {
    clearTimeout(timer);
  }
};

export class LambdaTimeoutError extends Error {
  // The error type Lambda reports for a function that ran out of time.
  override name = 'Sandbox.Timedout';
  constructor(handler: string, seconds: number) {
    super(`functions/${handler} timed out after ${seconds} s`);
  }
}
