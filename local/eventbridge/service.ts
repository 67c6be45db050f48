import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { DEFAULT_TIMEOUT_SECONDS } from '../../lib/spec/bindings';
import {
  type EventRule,
  eventRules,
  isScheduled,
  type PatternRule,
  type ScheduledRule,
} from '../../lib/spec/event-rules';
import { type AwsRequest, type AwsResponse, type AwsService, jsonError, jsonOk } from '../aws-service';
import { RetainedList } from '../journal';
import type { Invoke } from '../lambda/invoke';
import { compilePattern } from './pattern';
import { DeliveryJournal, type PendingDelivery } from './persistence';
import { rateIntervalMs } from './schedule';

/** The event as EventBridge delivers it to a Lambda target. */
export interface BusEvent {
  version: '0';
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  /** ISO 8601 in whole seconds, as AWS writes it: 2024-05-01T12:00:00Z. */
  time: string;
  region: string;
  resources: string[];
  detail: Record<string, unknown>;
}

export type { Invoke } from '../lambda/invoke';

export interface RetryOptions {
  /** Attempts in all, the first included (default 3, like Lambda's asynchronous invocation: 1 + 2 retries). */
  attempts?: number;
  /** Delay before the first retry; doubles on each further one (default 1000 ms). */
  baseDelayMs?: number;
  /** Cap on the delay between attempts (default 30 000 ms). */
  maxDelayMs?: number;
}

export interface EventBridgeServiceOptions {
  busName: string;
  region: string;
  accountId: string;
  /** Default: the rule table of lib/spec/event-rules.ts. */
  rules?: readonly EventRule[];
  /** Runs a target (the sandbox's LocalLambda, or a fake in tests). */
  invoke: Invoke;
  retry?: RetryOptions;
  /** Where failed attempts are reported (default console.warn). */
  log?: (message: string) => void;
  /**
   * Runs every scheduled rule at this interval instead of its own rate (SANDBOX_SCHEDULE_SECONDS), so a
   * test need not wait a minute.
   */
  scheduleIntervalMs?: number;
  /**
   * Where pending deliveries and dead letters are kept (a folder under DATA_DIR): an event PutEvents accepted is
   * delivered even if the sandbox stops or dies first (after resumeDeliveries() on the next start). Unset, in
   * memory only.
   */
  dir?: string;
  /** Dead letters kept, the newest (default 1000). */
  maxDeadLetters?: number;
  /**
   * An injected fault (local/faults.ts): the reason PutEvents refuses this entry, as if the bus had failed it
   * (InternalFailure), or undefined to accept it.
   */
  refuse?: (event: BusEvent) => string | undefined;
}

export const DEFAULT_MAX_DEAD_LETTERS = 1000;

export interface DeadLetter {
  rule: string;
  handler: string;
  event: BusEvent;
  error: string;
  attempts: number;
  /** When the last attempt failed (ISO 8601). */
  time: string;
}

export interface EventBridgeStats {
  /** Entries accepted by PutEvents. */
  eventsReceived: number;
  /** Entries PutEvents answered with an error. */
  eventsRejected: number;
  deliveriesSucceeded: number;
  /** Deliveries that exhausted their attempts and went to the dead-letter list. */
  deliveriesFailed: number;
  /** Failed attempts that were scheduled again. */
  retries: number;
  /** Runs of scheduled rules started (each one delivery, counted with the others above). */
  scheduledRuns: number;
  /** Deliveries not finished yet (running or waiting for a retry). */
  pending: number;
  deadLetters: number;
}

interface FailedEntry {
  ErrorCode: string;
  ErrorMessage: string;
}
type ResultEntry = { EventId: string } | FailedEntry;

interface CompiledRule {
  rule: PatternRule;
  matches: (event: unknown) => boolean;
}

interface Schedule {
  rule: ScheduledRule;
  intervalMs: number;
}

/** PutEvents' limit on the summed size of a request's entries. */
const MAX_ENTRIES_BYTES = 256 * 1024;
const MAX_ENTRIES = 10;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const utf8Length = (value: unknown): number => (typeof value === 'string' ? Buffer.byteLength(value, 'utf8') : 0);

/** How EventBridge sizes an entry ("Calculating Amazon EventBridge PutEvents event entry size"). */
const entrySize = (entry: unknown): number => {
  if (!isObject(entry)) return 0;
  const resources = Array.isArray(entry.Resources) ? entry.Resources : [];
  return (
    (entry.Time === undefined || entry.Time === null ? 0 : 14) +
    utf8Length(entry.Source) +
    utf8Length(entry.DetailType) +
    utf8Length(entry.Detail) +
    resources.reduce((sum: number, resource) => sum + utf8Length(resource), 0)
  );
};

const isoSeconds = (date: Date): string => date.toISOString().replace(/\.\d{3}Z$/, 'Z');

/** The SDK sends Time as epoch seconds (JSON protocol timestamps); other clients may send ISO text. */
const eventTime = (time: unknown): string => {
  const date =
    typeof time === 'number' ? new Date(time * 1000) : typeof time === 'string' ? new Date(time) : new Date(Number.NaN);
  return isoSeconds(Number.isNaN(date.getTime()) ? new Date() : date);
};

const invalidArgument = (field: string): FailedEntry => ({
  ErrorCode: 'InvalidArgument',
  ErrorMessage: `Parameter ${field} is not valid. Reason: ${field} is a required argument.`,
});

const validationError = (message: string): AwsResponse => jsonError(400, 'ValidationException', message);

/** One event's delivery to one rule's target. */
const deliveryId = (event: BusEvent, rule: EventRule) => `${event.id}:${rule.name}`;

/**
 * EventBridge for the sandbox: PutEvents on one custom bus, matched against the event rule table and
 * delivered to the rules' handlers after the response, with retries and a dead-letter list; and the
 * table's scheduled rules, run on timers once startSchedules() is called.
 */
export class EventBridgeService implements AwsService {
  readonly signingName = 'events';
  readonly busArn: string;

  private readonly busName: string;
  private readonly region: string;
  private readonly accountId: string;
  private readonly rules: CompiledRule[];
  private readonly schedules: Schedule[];
  private readonly invoke: Invoke;
  private readonly retry: Required<RetryOptions>;
  private readonly log: (message: string) => void;
  private readonly refuse: (event: BusEvent) => string | undefined;
  private readonly createdAt = new Date();

  private stopped = false;
  private pending = 0;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly scheduleTimers = new Set<NodeJS.Timeout>();
  private schedulesStarted = false;
  private waiters: (() => void)[] = [];
  private readonly dead: RetainedList<DeadLetter>;
  private readonly journal: DeliveryJournal | undefined;
  /** What the journal owed at start, for resumeDeliveries(). */
  private owed: PendingDelivery[];
  private readonly counters = {
    eventsReceived: 0,
    eventsRejected: 0,
    deliveriesSucceeded: 0,
    deliveriesFailed: 0,
    retries: 0,
    scheduledRuns: 0,
  };

  constructor(options: EventBridgeServiceOptions) {
    this.busName = options.busName;
    this.region = options.region;
    this.accountId = options.accountId;
    this.busArn = `arn:aws:events:${this.region}:${this.accountId}:event-bus/${this.busName}`;
    this.invoke = options.invoke;
    this.log = options.log ?? ((message) => console.warn(message));
    this.refuse = options.refuse ?? (() => undefined);
    this.journal = options.dir ? new DeliveryJournal(options.dir) : undefined;
    this.owed = this.journal?.load() ?? [];
    this.dead = new RetainedList(
      Math.max(1, options.maxDeadLetters ?? DEFAULT_MAX_DEAD_LETTERS),
      options.dir && path.join(options.dir, 'dead-letters.jsonl'),
    );
    this.retry = {
      attempts: Math.max(1, options.retry?.attempts ?? 3),
      baseDelayMs: options.retry?.baseDelayMs ?? 1000,
      maxDelayMs: options.retry?.maxDelayMs ?? 30_000,
    };
    // Compiling validates: a bad pattern or schedule in the rule table stops the sandbox at start, not later.
    const names = new Set<string>();
    const rules = options.rules ?? eventRules;
    const checked = <T>(rule: EventRule, compile: () => T): T => {
      if (names.has(rule.name)) throw new Error(`Event rule ${rule.name} is defined twice`);
      names.add(rule.name);
      try {
        return compile();
      } catch (error) {
        throw new Error(`Event rule ${rule.name}: ${(error as Error).message}`, { cause: error });
      }
    };
    this.rules = rules
      .filter((rule): rule is PatternRule => !isScheduled(rule))
      .map((rule) => checked(rule, () => ({ rule, matches: compilePattern(rule.pattern) })));
    this.schedules = rules.filter(isScheduled).map((rule) =>
      checked(rule, () => {
        const intervalMs = rateIntervalMs(rule.schedule);
        return { rule, intervalMs: options.scheduleIntervalMs ?? intervalMs };
      }),
    );
  }

  async handle(request: AwsRequest): Promise<AwsResponse> {
    if (this.stopped) return jsonError(503, 'ServiceUnavailableException', 'The sandbox EventBridge is stopped');
    let body: unknown;
    try {
      body = JSON.parse(request.body || '{}');
    } catch {
      return jsonError(400, 'SerializationException', 'The request body is not valid JSON');
    }
    if (!isObject(body)) return jsonError(400, 'SerializationException', 'The request body must be a JSON object');
    switch (request.target) {
      case 'AWSEvents.PutEvents':
        return this.putEvents(body);
      case 'AWSEvents.DescribeEventBus':
        return this.describeEventBus(body);
      case 'AWSEvents.ListRules':
        return this.listRules(body);
      default:
        return jsonError(
          400,
          'UnknownOperationException',
          `The sandbox does not implement ${request.target ?? 'that'}`,
        );
    }
  }

  async healthy(): Promise<boolean> {
    return !this.stopped;
  }

  /**
   * Starts running the scheduled rules, each first one interval from now, then one interval after the start
   * of its previous run, but never while that run (retries included) is still going. Called once the
   * targets can run (tables created); the timers do not keep the process alive.
   */
  startSchedules(): void {
    if (this.schedulesStarted || this.stopped) return;
    this.schedulesStarted = true;
    for (const schedule of this.schedules) this.runScheduleIn(schedule, schedule.intervalMs);
  }

  /**
   * Delivers what the bus still owed when the sandbox last stopped or died: deliveries not begun go at once; one
   * whose attempt was cut short goes once that attempt would have timed out (a lock its target took may hold
   * until then), counted as the attempt it was. Called once the targets can run.
   */
  resumeDeliveries(): void {
    if (!this.journal || this.stopped) return;
    const rules = new Map(this.rules.map(({ rule }) => [rule.name, rule]));
    const owed = this.owed;
    this.owed = [];
    for (const delivery of owed) {
      const rule = rules.get(delivery.rule);
      // A rule since removed from the table: nothing to deliver to.
      if (!rule) this.journal.done(delivery.id);
      else void this.deliver(rule, delivery.event, delivery);
    }
  }

  /**
   * Cancels scheduled runs and deliveries waiting for their first attempt or a retry; attempts already running
   * finish. Kept on disk, what is not delivered yet is delivered after the next start.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.scheduleTimers) clearTimeout(timer);
    this.scheduleTimers.clear();
    for (const timer of this.timers) clearTimeout(timer);
    this.pending -= this.timers.size;
    this.timers.clear();
    this.settle();
  }

  /** Resolves once no delivery is running or waiting for a retry. */
  idle(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  deadLetters(): DeadLetter[] {
    return this.dead.all();
  }

  clearDeadLetters(): void {
    this.dead.remove();
  }

  stats(): EventBridgeStats {
    return { ...this.counters, pending: this.pending, deadLetters: this.dead.length };
  }

  private putEvents(body: Record<string, unknown>): AwsResponse {
    const entries = body.Entries;
    if (entries === undefined || entries === null) {
      return validationError(
        "1 validation error detected: Value null at 'entries' failed to satisfy constraint: Member must not be null",
      );
    }
    if (!Array.isArray(entries)) return jsonError(400, 'SerializationException', 'Entries must be a list');
    if (entries.length < 1 || entries.length > MAX_ENTRIES) {
      const bound = entries.length < 1 ? 'greater than or equal to 1' : `less than or equal to ${MAX_ENTRIES}`;
      return validationError(
        `1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length ${bound}`,
      );
    }
    const size = entries.reduce((sum: number, entry) => sum + entrySize(entry), 0);
    if (size > MAX_ENTRIES_BYTES) return validationError('Total size of the entries in the request is over the limit.');

    const results: ResultEntry[] = [];
    const accepted: BusEvent[] = [];
    for (const entry of entries) {
      const outcome = this.toEvent(entry);
      const refused = 'ErrorCode' in outcome ? undefined : this.refuse(outcome);
      if ('ErrorCode' in outcome) {
        results.push(outcome);
      } else if (refused !== undefined) {
        results.push({ ErrorCode: 'InternalFailure', ErrorMessage: refused });
      } else {
        results.push({ EventId: outcome.id });
        accepted.push(outcome);
      }
    }
    this.counters.eventsReceived += accepted.length;
    this.counters.eventsRejected += entries.length - accepted.length;
    const deliveries = accepted.flatMap((event) =>
      this.rules
        .filter(({ matches }) => matches(event))
        .map(({ rule }) => ({ id: deliveryId(event, rule), rule, event })),
    );
    // On disk before PutEvents answers: an accepted event reaches its targets even if the sandbox dies now.
    this.journal?.queued(deliveries.map(({ id, rule, event }) => ({ id, rule: rule.name, event })));
    for (const { rule, event } of deliveries) void this.deliver(rule, event);
    return jsonOk({ FailedEntryCount: entries.length - accepted.length, Entries: results });
  }

  /** Validates an entry in the order AWS reports problems and builds the delivered event. */
  private toEvent(entry: unknown): BusEvent | FailedEntry {
    const fields = isObject(entry) ? entry : {};
    const { Source, DetailType, Detail, Resources, Time } = fields;
    if (typeof Source !== 'string' || Source === '') return invalidArgument('Source');
    if (typeof DetailType !== 'string' || DetailType === '') return invalidArgument('DetailType');
    if (typeof Detail !== 'string' || Detail === '') return invalidArgument('Detail');
    let detail: unknown;
    try {
      detail = JSON.parse(Detail);
    } catch {
      detail = undefined;
    }
    if (!isObject(detail)) return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
    if (Resources !== undefined && !(Array.isArray(Resources) && Resources.every((r) => typeof r === 'string'))) {
      return {
        ErrorCode: 'InvalidArgument',
        ErrorMessage: 'Parameter Resources is not valid. Reason: a list of strings.',
      };
    }
    // AWS itself accepts an entry for an unknown bus and drops it; failing it here surfaces a wrong
    // EVENT_BUS_NAME (or a forgotten EventBusName, which means the default bus) in the sandbox.
    const bus = typeof fields.EventBusName === 'string' && fields.EventBusName !== '' ? fields.EventBusName : 'default';
    if (bus !== this.busName && bus !== this.busArn) {
      return { ErrorCode: 'ResourceNotFoundException', ErrorMessage: `Event bus ${bus} does not exist.` };
    }
    return {
      version: '0',
      id: randomUUID(),
      'detail-type': DetailType,
      source: Source,
      account: this.accountId,
      time: eventTime(Time),
      region: this.region,
      resources: (Resources as string[] | undefined) ?? [],
      detail,
    };
  }

  /**
   * Delivers with retries; the promise resolves once the event is delivered or dead-lettered. Deliveries of
   * pattern rules are journalled (scheduled runs are not: the next one comes anyway); `resumed` is one read back.
   */
  private deliver(rule: EventRule, event: BusEvent, resumed?: PendingDelivery): Promise<void> {
    this.pending++;
    let resolve = () => {};
    const promise = new Promise<void>((done) => {
      resolve = done;
    });
    const journal = isScheduled(rule) ? undefined : this.journal;
    const id = deliveryId(event, rule);
    const attempt = async (attempts: number): Promise<void> => {
      journal?.attempt(id, attempts);
      try {
        // Each target gets its own copy, as in AWS: a handler that mutates its event affects no other. Asynchronous,
        // as EventBridge invokes Lambda: the event waits in the function's queue rather than being throttled.
        await this.invoke(rule.target, structuredClone(event), { asynchronous: true });
        journal?.done(id);
        this.counters.deliveriesSucceeded++;
        this.settle(1);
        resolve();
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        if (this.stopped && journal) {
          // Cut short by the sandbox's stop: tried again after the next start.
          this.settle(1);
          resolve();
          return;
        }
        if (attempts >= this.retry.attempts || this.stopped) {
          journal?.done(id);
          this.dead.push({
            rule: rule.name,
            handler: rule.target.handler,
            event,
            error: message,
            attempts,
            time: isoSeconds(new Date()),
          });
          this.counters.deliveriesFailed++;
          this.log(`[events] ${rule.name}: event ${event.id} dead-lettered after ${attempts} attempt(s): ${message}`);
          this.settle(1);
          resolve();
          return;
        }
        const delay = Math.min(this.retry.baseDelayMs * 2 ** (attempts - 1), this.retry.maxDelayMs);
        this.counters.retries++;
        this.log(
          `[events] ${rule.name}: event ${event.id} attempt ${attempts} failed (${message}); retry in ${delay} ms`,
        );
        this.schedule(() => attempt(attempts + 1), delay);
      }
    };
    if (resumed && resumed.attempts > 0) {
      // The attempt cut short counts: the next one is the last at most.
      const timeoutMs = (rule.target.timeout ?? DEFAULT_TIMEOUT_SECONDS) * 1000;
      const delay = Math.max(0, (resumed.lastAttemptAt ?? 0) + timeoutMs - Date.now());
      this.schedule(() => attempt(Math.min(resumed.attempts + 1, this.retry.attempts)), delay);
    } else {
      // A timer, not a direct call: the PutEvents response goes out before any handler runs.
      this.schedule(() => attempt(1), 0);
    }
    return promise;
  }

  private runScheduleIn(schedule: Schedule, delayMs: number): void {
    const timer = setTimeout(async () => {
      this.scheduleTimers.delete(timer);
      if (this.stopped) return;
      const started = Date.now();
      this.counters.scheduledRuns++;
      await this.deliver(schedule.rule, this.scheduledEvent(schedule.rule));
      if (this.stopped) return;
      this.runScheduleIn(schedule, Math.max(0, schedule.intervalMs - (Date.now() - started)));
    }, delayMs);
    // A schedule alone must not keep the sandbox (or a test process) running.
    timer.unref();
    this.scheduleTimers.add(timer);
  }

  /** What EventBridge sends a scheduled rule's target. */
  private scheduledEvent(rule: ScheduledRule): BusEvent {
    return {
      version: '0',
      id: randomUUID(),
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: this.accountId,
      time: isoSeconds(new Date()),
      region: this.region,
      // Scheduled rules live on the default bus, whose rule ARNs carry no bus name.
      resources: [`arn:aws:events:${this.region}:${this.accountId}:rule/${rule.name}`],
      detail: {},
    };
  }

  private schedule(run: () => Promise<void>, delayMs: number): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void run();
    }, delayMs);
    this.timers.add(timer);
  }

  private settle(finished = 0): void {
    this.pending -= finished;
    if (this.pending > 0) return;
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }

  private describeEventBus(body: Record<string, unknown>): AwsResponse {
    const name = typeof body.Name === 'string' && body.Name !== '' ? body.Name : 'default';
    if (name !== this.busName && name !== this.busArn) return this.busNotFound(name);
    const created = this.createdAt.getTime() / 1000;
    return jsonOk({ Name: this.busName, Arn: this.busArn, CreationTime: created, LastModifiedTime: created });
  }

  private listRules(body: Record<string, unknown>): AwsResponse {
    const bus = typeof body.EventBusName === 'string' && body.EventBusName !== '' ? body.EventBusName : 'default';
    if (bus !== this.busName && bus !== this.busArn) return this.busNotFound(bus);
    const prefix = typeof body.NamePrefix === 'string' ? body.NamePrefix : '';
    const limit = typeof body.Limit === 'number' ? body.Limit : 100;
    const start = typeof body.NextToken === 'string' ? Number(body.NextToken) : 0;
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
      return validationError(
        "1 validation error detected: Value at 'limit' failed to satisfy constraint: Member must have value between 1 and 100",
      );
    }
    if (!Number.isInteger(start) || start < 0) return validationError('The NextToken is not valid.');
    const rules = this.rules
      .map(({ rule }) => rule)
      .filter((rule) => rule.name.startsWith(prefix))
      .sort((a, b) => a.name.localeCompare(b.name));
    const page = rules.slice(start, start + limit).map((rule) => ({
      Name: rule.name,
      Arn: `arn:aws:events:${this.region}:${this.accountId}:rule/${this.busName}/${rule.name}`,
      EventPattern: JSON.stringify(rule.pattern),
      State: 'ENABLED',
      Description: rule.description,
      EventBusName: this.busName,
    }));
    const next = start + limit < rules.length ? { NextToken: String(start + limit) } : {};
    return jsonOk({ Rules: page, ...next });
  }

  private busNotFound(name: string): AwsResponse {
    return jsonError(400, 'ResourceNotFoundException', `Event bus ${name} does not exist.`);
  }
}
