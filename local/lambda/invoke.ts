import type { FunctionSpec } from '../../lib/spec/bindings';

export interface InvokeOptions {
  /**
   * Called when the invocation stops waiting for a free instance of its function (at once if one is free), as it
   * is given one or starts one. Lambda would have had an instance at once: API Gateway's integration timeout
   * counts from here, not from a wait that only this machine's few cores impose.
   */
  onStart?: () => void;
  /**
   * An asynchronous invocation (an EventBridge target's): Lambda puts the event in its own queue and runs it when
   * an instance is free, so it waits whatever the number waiting, where a synchronous call past the waiting limit
   * is throttled.
   */
  asynchronous?: boolean;
}

/** Runs a function of the tables (routes, authorizer, event rules, state machines) with an event, as Lambda would. */
export type Invoke = (fn: FunctionSpec, event: unknown, options?: InvokeOptions) => Promise<unknown>;

/** The function's name in the sandbox: in its Lambda context, its ARN and its instances' environment. */
export const localFunctionName = (handler: string): string => `local-${handler.replaceAll('/', '-')}`;

/** A function error as Lambda reports it: the error's type is its name, with the message and stack. */
export class FunctionError extends Error {
  constructor(errorType: string, errorMessage: string, trace: string[] = []) {
    super(errorMessage);
    this.name = errorType;
    if (trace.length > 0) this.stack = trace.join('\n');
  }
}

export class LambdaTimeoutError extends Error {
  // The error type Lambda reports for a function that ran out of time.
  override name = 'Sandbox.Timedout';
  constructor(handler: string, seconds: number) {
    super(`functions/${handler}: Task timed out after ${seconds.toFixed(2)} seconds`);
  }
}

/** Every instance the function may have is busy and too many invocations wait already. */
export class LambdaThrottledError extends Error {
  // As Step Functions names a throttled Lambda call (the checkout saga retries it).
  override name = 'Lambda.TooManyRequestsException';
  constructor(handler: string, concurrency: number) {
    super(`Rate Exceeded: functions/${handler} runs ${concurrency} invocations at once and more wait`);
  }
}
