import { afterEach, describe, expect, it, vi } from 'vitest';
import { type EventRule, eventRules, isScheduled, type ScheduledRule } from '../../../../lib/spec/event-rules';
import { InvalidScheduleError, rateIntervalMs } from '../../../../local/eventbridge/schedule';
import {
  type BusEvent,
  EventBridgeService,
  type EventBridgeServiceOptions,
} from '../../../../local/eventbridge/service';

describe('rate expressions', () => {
  it.each([
    ['rate(1 minute)', 60_000],
    ['rate(5 minutes)', 300_000],
    ['rate(1 hour)', 3_600_000],
    ['rate(12 hours)', 43_200_000],
    ['rate(1 day)', 86_400_000],
    ['rate(7 days)', 604_800_000],
  ])('%s is %i ms', (expression, ms) => {
    expect(rateIntervalMs(expression)).toBe(ms);
  });

  it.each([
    // AWS's own rules: singular for 1, plural otherwise, at least 1, no seconds.
    'rate(1 minutes)',
    'rate(5 minute)',
    'rate(0 minutes)',
    'rate(30 seconds)',
    'rate(1.5 hours)',
    'rate(minute)',
    'rate(1  minute)',
    'cron(0 12 * * ? *)',
    '',
  ])('refuses %j', (expression) => {
    expect(() => rateIntervalMs(expression)).toThrow(InvalidScheduleError);
  });

  it('covers every schedule of the rule table', () => {
    const schedules = eventRules.filter(isScheduled);
    expect(schedules.length).toBeGreaterThan(0);
    for (const rule of schedules) expect(rateIntervalMs(rule.schedule)).toBeGreaterThanOrEqual(60_000);
  });
});

const ACCOUNT = '000000000000';
const scheduled = (name: string, schedule: string, handler: string): ScheduledRule => ({
  name,
  description: `${name} test rule`,
  schedule,
  target: { handler, bindings: {} },
});
const pattern: EventRule = {
  name: 'Everything',
  description: 'matches any event',
  pattern: { source: [{ prefix: '' }] },
  target: { handler: 'x/everything', bindings: {} },
};

const services: EventBridgeService[] = [];
const makeService = (options: Partial<EventBridgeServiceOptions>) => {
  const service = new EventBridgeService({
    busName: 'shop-bus',
    region: 'us-east-1',
    accountId: ACCOUNT,
    invoke: async () => undefined,
    retry: { attempts: 2, baseDelayMs: 1000 },
    log: () => undefined,
    ...options,
  });
  services.push(service);
  return service;
};

afterEach(async () => {
  for (const service of services.splice(0)) await service.stop();
  vi.useRealTimers();
});

describe('scheduled rules in the sandbox', () => {
  it('run nothing until started, then invoke the target every interval with a Scheduled Event', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    vi.setSystemTime(new Date('2026-03-01T10:00:00.000Z'));
    const calls: { handler: string; event: BusEvent }[] = [];
    const service = makeService({
      rules: [scheduled('Sweep', 'rate(1 minute)', 'x/sweep'), pattern],
      invoke: async ({ handler }, event) => {
        calls.push({ handler, event: event as BusEvent });
      },
    });

    await vi.advanceTimersByTimeAsync(180_000);
    expect(calls).toEqual([]);

    service.startSchedules();
    await vi.advanceTimersByTimeAsync(59_000);
    expect(calls).toEqual([]);
    await vi.advanceTimersByTimeAsync(1100);
    expect(calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(120_000);

    expect(calls.map((call) => call.handler)).toEqual(['x/sweep', 'x/sweep', 'x/sweep']);
    expect(calls[0]?.event).toEqual({
      version: '0',
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: ACCOUNT,
      time: '2026-03-01T10:04:00Z',
      region: 'us-east-1',
      resources: [`arn:aws:events:us-east-1:${ACCOUNT}:rule/Sweep`],
      detail: {},
    });
    expect(new Set(calls.map((call) => call.event.id)).size).toBe(3);
    expect(service.stats()).toMatchObject({ scheduledRuns: 3, deliveriesSucceeded: 3, eventsReceived: 0 });
  });

  it('never overlap runs of one rule: a slow run delays the next until it is done', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    let running = 0;
    let maxRunning = 0;
    const starts: number[] = [];
    const service = makeService({
      rules: [scheduled('Slow', 'rate(1 minute)', 'x/slow')],
      invoke: async () => {
        starts.push(Date.now());
        running++;
        maxRunning = Math.max(maxRunning, running);
        // Each run takes 150 s, well over its one-minute rate.
        await new Promise((resolve) => setTimeout(resolve, 150_000));
        running--;
      },
    });
    const t0 = Date.now();

    service.startSchedules();
    await vi.advanceTimersByTimeAsync(500_000);

    expect(maxRunning).toBe(1);
    // To the second: delivery itself takes a timer tick (a millisecond) per run.
    expect(starts.map((start) => Math.round((start - t0) / 1000))).toEqual([60, 210, 360]);
  });

  it('retry a failed run, and dead-letter it after the last attempt, before the next run', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const attempts: number[] = [];
    const service = makeService({
      rules: [scheduled('Failing', 'rate(1 minute)', 'x/failing')],
      invoke: async () => {
        attempts.push(Date.now());
        throw new Error('down');
      },
    });
    const t0 = Date.now();

    service.startSchedules();
    await vi.advanceTimersByTimeAsync(62_000);

    expect(attempts.map((at) => Math.round((at - t0) / 1000))).toEqual([60, 61]);
    expect(service.deadLetters()).toMatchObject([{ rule: 'Failing', handler: 'x/failing', attempts: 2 }]);
    expect(service.deadLetters()[0]?.event['detail-type']).toBe('Scheduled Event');
  });

  it('take the interval override (SANDBOX_SCHEDULE_SECONDS) over their own rate', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    let count = 0;
    const service = makeService({
      rules: [scheduled('Hourly', 'rate(1 hour)', 'x/hourly')],
      scheduleIntervalMs: 2000,
      invoke: async () => {
        count++;
      },
    });

    service.startSchedules();
    service.startSchedules();
    await vi.advanceTimersByTimeAsync(10_100);

    expect(count).toBe(5);
  });

  it('stop when the service stops, even in the middle of a run', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    let count = 0;
    const service = makeService({
      rules: [scheduled('Sweep', 'rate(1 minute)', 'x/sweep')],
      invoke: async () => {
        count++;
        await new Promise((resolve) => setTimeout(resolve, 10_000));
      },
    });
    service.startSchedules();
    await vi.advanceTimersByTimeAsync(65_000);
    expect(count).toBe(1);

    await service.stop();
    await vi.advanceTimersByTimeAsync(600_000);

    expect(count).toBe(1);
    expect(vi.getTimerCount()).toBe(0);
    service.startSchedules();
    await vi.advanceTimersByTimeAsync(600_000);
    expect(count).toBe(1);
  });

  it('do not keep the process alive', () => {
    const service = makeService({ rules: [scheduled('Sweep', 'rate(1 minute)', 'x/sweep')], invoke: async () => {} });
    const created: NodeJS.Timeout[] = [];
    const realSetTimeout = globalThis.setTimeout;
    const spy = vi.spyOn(globalThis, 'setTimeout').mockImplementation(((...args: Parameters<typeof setTimeout>) => {
      const timer = realSetTimeout(...args);
      created.push(timer);
      return timer;
    }) as typeof setTimeout);
    try {
      service.startSchedules();
    } finally {
      spy.mockRestore();
    }
    expect(created).toHaveLength(1);
    expect(created[0]?.hasRef()).toBe(false);
  });

  it('are not matched against events, nor listed on the custom bus', async () => {
    const calls: string[] = [];
    const service = makeService({
      rules: [scheduled('Sweep', 'rate(1 minute)', 'x/sweep'), pattern],
      invoke: async ({ handler }) => {
        calls.push(handler);
      },
    });
    const put = await service.handle({
      target: 'AWSEvents.PutEvents',
      headers: {},
      body: JSON.stringify({
        Entries: [{ Source: 'aws.events', DetailType: 'Scheduled Event', Detail: '{}', EventBusName: 'shop-bus' }],
      }),
    });
    expect(put.status).toBe(200);
    await service.idle();
    expect(calls).toEqual(['x/everything']);

    const listed = await service.handle({
      target: 'AWSEvents.ListRules',
      headers: {},
      body: JSON.stringify({ EventBusName: 'shop-bus' }),
    });
    expect((JSON.parse(listed.body) as { Rules: { Name: string }[] }).Rules.map((r) => r.Name)).toEqual(['Everything']);
  });

  it('refuse a schedule the sandbox cannot run at construction, naming the rule', () => {
    expect(() => makeService({ rules: [scheduled('Broken', 'rate(5 minute)', 'x/y')] })).toThrow(
      /^Event rule Broken: rate\(5 minute\)/,
    );
    expect(() =>
      makeService({ rules: [scheduled('Twice', 'rate(1 minute)', 'x/y'), { ...pattern, name: 'Twice' }] }),
    ).toThrow(/defined twice/);
  });
});
