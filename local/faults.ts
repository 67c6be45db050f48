import { randomUUID } from 'node:crypto';
import { compilePattern, InvalidEventPatternError } from './eventbridge/pattern';
import type { Invoke } from './lambda/invoke';

/**
 * Faults the sandbox injects on request (POST /_aws/faults, loopback only), so that a test can watch the platform get
 * through a failure it cannot otherwise cause: the bus refusing events for a while, or a function failing for some
 * inputs. Each is scoped by an EventBridge event pattern, so that a test on a shared sandbox disturbs nobody else,
 * and may expire by itself. Nothing in functions/ knows about them: the AWS calls just fail as they could in AWS.
 */

/** What POST /_aws/faults takes. */
export type FaultSpec =
  | {
      /** PutEvents answers every entry matching `pattern` (the event as delivered) as failed (InternalFailure). */
      service: 'events';
      pattern?: Record<string, unknown>;
      seconds?: number;
    }
  | {
      /** Invocations of `function` (a handler, as in the route and rule tables) whose event matches `pattern` fail. */
      service: 'lambda';
      function: string;
      pattern?: Record<string, unknown>;
      seconds?: number;
    };

export type Fault = FaultSpec & {
  id: string;
  /** When it stops by itself (ISO 8601); absent: when it is deleted. */
  until?: string;
  /** Requests or invocations it failed so far. */
  hits: number;
};

/** A failure the sandbox made up, not one of the code under test: Step Functions retries it without waiting. */
export class InjectedFaultError extends Error {
  override name = 'Sandbox.InjectedFault';
}

export class InvalidFaultError extends Error {}

interface Active {
  fault: Fault;
  matches: (event: unknown) => boolean;
  until: number;
}

const MAX_SECONDS = 24 * 60 * 60;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export class FaultRegistry {
  private readonly active = new Map<string, Active>();

  /** `functions`: the handlers the sandbox runs (a fault naming another is refused, as a typo would be). */
  constructor(
    private readonly functions: ReadonlySet<string>,
    private readonly now: () => number = Date.now,
  ) {}

  add(spec: unknown): Fault {
    if (!isRecord(spec)) throw new InvalidFaultError('A fault is a JSON object');
    const { service, pattern, seconds } = spec;
    if (service !== 'events' && service !== 'lambda')
      throw new InvalidFaultError('service must be "events" or "lambda"');
    if (pattern !== undefined && !isRecord(pattern)) throw new InvalidFaultError('pattern must be an event pattern');
    if (seconds !== undefined && !(typeof seconds === 'number' && seconds > 0 && seconds <= MAX_SECONDS)) {
      throw new InvalidFaultError(`seconds must be a number from 0 to ${MAX_SECONDS}`);
    }
    const fn = spec.function;
    if (service === 'lambda' && (typeof fn !== 'string' || !this.functions.has(fn))) {
      throw new InvalidFaultError(
        `function must name a handler the sandbox runs, e.g. "orders/handlers/saga/fail-order"`,
      );
    }
    let matches: (event: unknown) => boolean;
    try {
      matches = pattern === undefined ? () => true : compilePattern(pattern);
    } catch (error) {
      if (error instanceof InvalidEventPatternError) throw new InvalidFaultError(error.message);
      throw error;
    }
    const until = seconds === undefined ? Number.POSITIVE_INFINITY : this.now() + seconds * 1000;
    const fault = {
      id: `flt_${randomUUID()}`,
      service,
      ...(service === 'lambda' && { function: fn }),
      ...(pattern !== undefined && { pattern }),
      ...(seconds !== undefined && { seconds, until: new Date(until).toISOString() }),
      hits: 0,
    } as Fault;
    this.active.set(fault.id, { fault, matches, until });
    return { ...fault };
  }

  list(): Fault[] {
    this.expire();
    return [...this.active.values()].map(({ fault }) => ({ ...fault }));
  }

  /** Removes one fault (false if there was none of that id), or every one. */
  remove(id?: string): boolean {
    if (id === undefined) {
      this.active.clear();
      return true;
    }
    return this.active.delete(id);
  }

  /** The fault that refuses this event on the bus, if one does (and counts the hit). */
  refusesEvent(event: unknown): Fault | undefined {
    return this.hit((active) => active.fault.service === 'events' && active.matches(event));
  }

  /** `invoke`, failing the invocations a fault names with InjectedFaultError before they reach the function. */
  wrap(invoke: Invoke): Invoke {
    return async (fn, event, options) => {
      const fault = this.hit(
        (active) => active.fault.service === 'lambda' && active.fault.function === fn.handler && active.matches(event),
      );
      if (fault) throw new InjectedFaultError(`functions/${fn.handler} failed: injected fault ${fault.id}`);
      return invoke(fn, event, options);
    };
  }

  private hit(test: (active: Active) => boolean): Fault | undefined {
    this.expire();
    for (const active of this.active.values()) {
      if (!test(active)) continue;
      active.fault.hits++;
      return active.fault;
    }
    return undefined;
  }

  private expire(): void {
    const now = this.now();
    for (const [id, active] of this.active) if (active.until <= now) this.active.delete(id);
  }
}
