import {
  DescribeEventBusCommand,
  EventBridgeClient,
  ListRulesCommand,
  PutEventsCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-eventbridge';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { EventRule } from '../../../../lib/spec/event-rules';
import type { AwsResponse } from '../../../../local/aws-service';
import {
  type BusEvent,
  EventBridgeService,
  type EventBridgeServiceOptions,
  type Invoke,
} from '../../../../local/eventbridge/service';
import { serveOverHttp } from '../../support/serve-aws-service';

const BUS = 'shop-bus';
const REGION = 'us-east-1';
const ACCOUNT = '000000000000';
const BUS_ARN = `arn:aws:events:${REGION}:${ACCOUNT}:event-bus/${BUS}`;

const rule = (name: string, pattern: Record<string, unknown>, handler: string): EventRule => ({
  name,
  description: `${name} test rule`,
  pattern,
  target: { handler, bindings: {} },
});

const rules: EventRule[] = [
  rule(
    'OrderEmails',
    { source: ['shop.orders'], 'detail-type': ['OrderPlaced', 'OrderShipped'] },
    'notify/order-email',
  ),
  rule('Journal', { source: [{ prefix: 'shop.' }] }, 'platform/record-event'),
  rule('PaymentAudit', { source: ['shop.payments'] }, 'payments/audit'),
];

interface Call {
  handler: string;
  event: BusEvent;
}

/** A fake of the sandbox's Lambda: records every call; `behaviour` decides per handler what happens. */
const fakeInvoke = (behaviour: Record<string, (event: BusEvent, attempt: number) => unknown> = {}) => {
  const calls: Call[] = [];
  const invoke: Invoke = async ({ handler }, event) => {
    const busEvent = event as BusEvent;
    calls.push({ handler, event: busEvent });
    const attempt = calls.filter((call) => call.handler === handler && call.event.id === busEvent.id).length;
    return behaviour[handler]?.(busEvent, attempt);
  };
  return { calls, invoke };
};

const services: EventBridgeService[] = [];
const makeService = (options: Partial<EventBridgeServiceOptions> = {}) => {
  const service = new EventBridgeService({
    busName: BUS,
    region: REGION,
    accountId: ACCOUNT,
    rules,
    invoke: fakeInvoke().invoke,
    retry: { attempts: 3, baseDelayMs: 1 },
    log: () => undefined,
    ...options,
  });
  services.push(service);
  return service;
};

afterEach(async () => {
  vi.useRealTimers();
  for (const service of services.splice(0)) await service.stop();
});

const entry = (overrides: Record<string, unknown> = {}) => ({
  Source: 'shop.orders',
  DetailType: 'OrderPlaced',
  Detail: JSON.stringify({ orderId: 'o-1', total: 1299.99 }),
  EventBusName: BUS,
  ...overrides,
});

const call = (service: EventBridgeService, target: string, body: unknown) =>
  service.handle({
    target,
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': target },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

const putEvents = (service: EventBridgeService, entries: unknown[]) =>
  call(service, 'AWSEvents.PutEvents', { Entries: entries });

const json = (response: AwsResponse) => JSON.parse(response.body) as Record<string, unknown>;

describe('PutEvents delivery', () => {
  it('answers with an event id per entry and delivers to the matching rules only, after responding', async () => {
    const { calls, invoke } = fakeInvoke();
    const service = makeService({ invoke });

    const response = await putEvents(service, [entry()]);
    const deliveredBeforeResponseWasRead = calls.length;
    await service.idle();

    expect(response.status).toBe(200);
    expect(response.headers?.['content-type']).toBe('application/x-amz-json-1.1');
    const body = json(response);
    expect(body.FailedEntryCount).toBe(0);
    const [result] = body.Entries as { EventId: string }[];
    expect(result?.EventId).toMatch(/^[0-9a-f-]{36}$/);
    expect(deliveredBeforeResponseWasRead).toBe(0);
    expect(calls.map((c) => c.handler).sort()).toEqual(['notify/order-email', 'platform/record-event']);
    expect(service.stats()).toMatchObject({
      eventsReceived: 1,
      deliveriesSucceeded: 2,
      deliveriesFailed: 0,
      pending: 0,
    });
  });

  it('builds the event envelope as EventBridge delivers it to Lambda', async () => {
    const { calls, invoke } = fakeInvoke();
    const service = makeService({ invoke });

    const response = await putEvents(service, [
      entry({ Time: 1_704_067_200.5, Resources: ['arn:aws:dynamodb:us-east-1:000000000000:table/orders'] }),
    ]);
    await service.idle();

    const [result] = json(response).Entries as { EventId: string }[];
    expect(calls[0]?.event).toEqual({
      version: '0',
      id: result?.EventId,
      'detail-type': 'OrderPlaced',
      source: 'shop.orders',
      account: ACCOUNT,
      time: '2024-01-01T00:00:00Z',
      region: REGION,
      resources: ['arn:aws:dynamodb:us-east-1:000000000000:table/orders'],
      detail: { orderId: 'o-1', total: 1299.99 },
    });
  });

  it('stamps the current time, in whole seconds, when the entry has none', async () => {
    const { calls, invoke } = fakeInvoke();
    const service = makeService({ invoke });
    const before = Math.floor(Date.now() / 1000) * 1000;

    await putEvents(service, [entry()]);
    await service.idle();

    const time = calls[0]?.event.time ?? '';
    expect(time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    expect(Date.parse(time)).toBeGreaterThanOrEqual(before);
    expect(Date.parse(time)).toBeLessThanOrEqual(Date.now());
  });

  it('accepts the bus by ARN as well as by name', async () => {
    const { calls, invoke } = fakeInvoke();
    const service = makeService({ invoke });

    const response = await putEvents(service, [entry({ EventBusName: BUS_ARN })]);
    await service.idle();

    expect(json(response).FailedEntryCount).toBe(0);
    expect(calls).toHaveLength(2);
  });

  it('delivers nothing when no rule matches', async () => {
    const { calls, invoke } = fakeInvoke();
    const service = makeService({ invoke });

    await putEvents(service, [entry({ Source: 'other.app' })]);
    await service.idle();

    expect(calls).toHaveLength(0);
    expect(service.stats().eventsReceived).toBe(1);
  });

  it('gives each target its own copy of the event', async () => {
    const { calls, invoke } = fakeInvoke({
      'notify/order-email': (event) => {
        event.detail.orderId = 'changed';
      },
    });
    const service = makeService({ invoke });

    await putEvents(service, [entry()]);
    await service.idle();

    const journal = calls.find((c) => c.handler === 'platform/record-event');
    expect(journal?.event.detail.orderId).toBe('o-1');
  });
});

describe('an injected fault (refuse)', () => {
  it('fails the entries it refuses as the bus would (InternalFailure), delivering none of them and the others', async () => {
    const { calls, invoke } = fakeInvoke();
    const service = makeService({
      invoke,
      refuse: (event) => (event.detail.orderId === 'o-refused' ? 'refused by a fault' : undefined),
    });
    const response = await putEvents(service, [
      entry({ Detail: JSON.stringify({ orderId: 'o-refused' }) }),
      entry({ Detail: JSON.stringify({ orderId: 'o-1' }) }),
    ]);
    await service.idle();
    const body = json(response);
    expect(body.FailedEntryCount).toBe(1);
    expect((body.Entries as Record<string, unknown>[])[0]).toEqual({
      ErrorCode: 'InternalFailure',
      ErrorMessage: 'refused by a fault',
    });
    expect(calls.every((c) => c.event.detail.orderId === 'o-1')).toBe(true);
    expect(service.stats()).toMatchObject({ eventsReceived: 1, eventsRejected: 1 });
  });
});

describe('PutEvents validation', () => {
  it('reports invalid entries one by one, in order, and still delivers the valid ones', async () => {
    const { calls, invoke } = fakeInvoke();
    const service = makeService({ invoke });

    const response = await putEvents(service, [
      entry({ Source: undefined }),
      entry({ DetailType: '' }),
      entry({ Detail: undefined }),
      entry({ Detail: '{"orderId": ' }),
      entry({ Detail: '["not", "an", "object"]' }),
      entry({ EventBusName: 'another-bus' }),
      entry({ EventBusName: undefined }),
      entry(),
    ]);
    await service.idle();

    expect(response.status).toBe(200);
    const body = json(response);
    expect(body.FailedEntryCount).toBe(7);
    const results = body.Entries as Record<string, string>[];
    expect(results.slice(0, 7)).toEqual([
      {
        ErrorCode: 'InvalidArgument',
        ErrorMessage: 'Parameter Source is not valid. Reason: Source is a required argument.',
      },
      {
        ErrorCode: 'InvalidArgument',
        ErrorMessage: 'Parameter DetailType is not valid. Reason: DetailType is a required argument.',
      },
      {
        ErrorCode: 'InvalidArgument',
        ErrorMessage: 'Parameter Detail is not valid. Reason: Detail is a required argument.',
      },
      { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' },
      { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' },
      { ErrorCode: 'ResourceNotFoundException', ErrorMessage: 'Event bus another-bus does not exist.' },
      { ErrorCode: 'ResourceNotFoundException', ErrorMessage: 'Event bus default does not exist.' },
    ]);
    expect(Object.keys(results[7] ?? {})).toEqual(['EventId']);
    expect(new Set(calls.map((c) => c.event.id))).toEqual(new Set([results[7]?.EventId]));
    expect(service.stats()).toMatchObject({ eventsReceived: 1, eventsRejected: 7 });
  });

  it.each([
    ['no entries', [], 'Member must have length greater than or equal to 1'],
    ['eleven entries', Array.from({ length: 11 }, () => entry()), 'Member must have length less than or equal to 10'],
    [
      'entries over 256 KB in total',
      [
        entry({ Detail: JSON.stringify({ blob: 'x'.repeat(130 * 1024) }) }),
        entry({ Detail: JSON.stringify({ blob: 'y'.repeat(130 * 1024) }) }),
      ],
      'Total size of the entries in the request is over the limit.',
    ],
  ])('refuses the whole request with %s', async (_, entries, message) => {
    const { calls, invoke } = fakeInvoke();
    const service = makeService({ invoke });

    const response = await putEvents(service, entries);
    await service.idle();

    expect(response.status).toBe(400);
    expect(response.headers?.['x-amzn-errortype']).toBe('ValidationException');
    expect(json(response).message).toContain(message);
    expect(calls).toHaveLength(0);
  });

  it('accepts entries of 256 KB in total exactly', async () => {
    const service = makeService({ invoke: fakeInvoke().invoke });
    const overhead = 'shop.orders'.length + 'OrderPlaced'.length + '{"blob":""}'.length;

    const response = await putEvents(service, [
      entry({ Detail: JSON.stringify({ blob: 'x'.repeat(256 * 1024 - overhead) }) }),
    ]);

    expect(json(response).FailedEntryCount).toBe(0);
  });

  it('refuses a request without Entries', async () => {
    const response = await call(makeService(), 'AWSEvents.PutEvents', {});

    expect(response.status).toBe(400);
    expect(json(response).__type).toBe('ValidationException');
  });

  it('answers a body that is not JSON with a SerializationException', async () => {
    const response = await call(makeService(), 'AWSEvents.PutEvents', '{"Entries": [');

    expect(response.status).toBe(400);
    expect(json(response).__type).toBe('SerializationException');
  });

  it('answers an operation it does not implement with UnknownOperationException', async () => {
    const response = await call(makeService(), 'AWSEvents.PutRule', { Name: 'x' });

    expect(response.status).toBe(400);
    expect(json(response).__type).toBe('UnknownOperationException');
  });
});

describe('retries and dead letters', () => {
  it('retries a failing delivery, then dead-letters it with the event intact', async () => {
    const { calls, invoke } = fakeInvoke({
      'platform/record-event': () => {
        throw new Error('table platform is missing');
      },
    });
    const log: string[] = [];
    const service = makeService({ invoke, retry: { attempts: 3, baseDelayMs: 1 }, log: (m) => log.push(m) });

    const response = await putEvents(service, [entry()]);
    await service.idle();

    const [result] = json(response).Entries as { EventId: string }[];
    const journalCalls = calls.filter((c) => c.handler === 'platform/record-event');
    expect(journalCalls).toHaveLength(3);
    expect(new Set(journalCalls.map((c) => c.event.id))).toEqual(new Set([result?.EventId]));
    const deadLetters = service.deadLetters();
    expect(deadLetters).toHaveLength(1);
    expect(deadLetters[0]).toMatchObject({
      rule: 'Journal',
      handler: 'platform/record-event',
      error: 'table platform is missing',
      attempts: 3,
      event: { id: result?.EventId, source: 'shop.orders', detail: { orderId: 'o-1', total: 1299.99 } },
    });
    expect(deadLetters[0]?.time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    expect(service.stats()).toMatchObject({
      deliveriesSucceeded: 1,
      deliveriesFailed: 1,
      retries: 2,
      pending: 0,
      deadLetters: 1,
    });
    expect(log.some((line) => line.includes('dead-lettered after 3 attempt(s)'))).toBe(true);
  });

  it('succeeds after a transient failure without dead-lettering', async () => {
    const { calls, invoke } = fakeInvoke({
      'notify/order-email': (_, attempt) => {
        if (attempt === 1) throw new Error('throttled');
        return 'sent';
      },
    });
    const service = makeService({ invoke });

    await putEvents(service, [entry()]);
    await service.idle();

    expect(calls.filter((c) => c.handler === 'notify/order-email')).toHaveLength(2);
    expect(service.deadLetters()).toEqual([]);
    expect(service.stats()).toMatchObject({ deliveriesSucceeded: 2, deliveriesFailed: 0, retries: 1 });
  });

  it('backs off exponentially, capped at maxDelayMs', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const times: number[] = [];
    const invoke: Invoke = async () => {
      times.push(Date.now());
      throw new Error('down');
    };
    const service = makeService({
      invoke,
      rules: [rules[2] as EventRule],
      retry: { attempts: 5, baseDelayMs: 100, maxDelayMs: 500 },
    });

    await putEvents(service, [entry({ Source: 'shop.payments' })]);
    await vi.runAllTimersAsync();
    await service.idle();

    expect(times.slice(1).map((time, i) => time - (times[i] ?? 0))).toEqual([100, 200, 400, 500]);
    expect(service.deadLetters()[0]?.attempts).toBe(5);
  });

  it('clears the dead-letter list on request', async () => {
    const { invoke } = fakeInvoke({
      'payments/audit': () => {
        throw new Error('boom');
      },
    });
    const service = makeService({ invoke, retry: { attempts: 1 } });
    await putEvents(service, [entry({ Source: 'shop.payments' })]);
    await service.idle();
    expect(service.deadLetters()).toHaveLength(1);

    service.clearDeadLetters();

    expect(service.deadLetters()).toEqual([]);
    expect(service.stats().deadLetters).toBe(0);
  });

  it('stop() cancels pending retries and lets idle() resolve', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { calls, invoke } = fakeInvoke({
      'payments/audit': () => {
        throw new Error('down');
      },
    });
    const service = makeService({
      invoke,
      rules: [rules[2] as EventRule],
      retry: { attempts: 3, baseDelayMs: 60_000 },
    });
    await putEvents(service, [entry({ Source: 'shop.payments' })]);
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toHaveLength(1);
    expect(service.stats().pending).toBe(1);

    await service.stop();
    await vi.advanceTimersByTimeAsync(120_000);
    await service.idle();

    expect(calls).toHaveLength(1);
    expect(service.stats().pending).toBe(0);
    expect(await service.healthy()).toBe(false);
    expect((await putEvents(service, [entry()])).status).toBe(503);
  });

  it('is healthy while running', async () => {
    expect(await makeService().healthy()).toBe(true);
  });
});

describe('rule table', () => {
  it('refuses an invalid pattern at construction, naming the rule', () => {
    expect(() => makeService({ rules: [rule('Broken', { source: [{ numeric: ['>', 'zero'] }] }, 'x/y')] })).toThrow(
      /^Event rule Broken: Event pattern is not valid/,
    );
  });

  it('refuses two rules with one name', () => {
    expect(() => makeService({ rules: [rules[0] as EventRule, rules[0] as EventRule] })).toThrow(/defined twice/);
  });

  it('accepts the rule table of lib/spec/event-rules.ts by default', () => {
    expect(() =>
      services.push(
        new EventBridgeService({
          busName: BUS,
          region: REGION,
          accountId: ACCOUNT,
          invoke: fakeInvoke().invoke,
          log: () => undefined,
        }),
      ),
    ).not.toThrow();
  });
});

describe('DescribeEventBus and ListRules', () => {
  it('describes the configured bus by name or ARN', async () => {
    const service = makeService();

    for (const name of [BUS, BUS_ARN]) {
      const response = await call(service, 'AWSEvents.DescribeEventBus', { Name: name });
      expect(response.status).toBe(200);
      expect(json(response)).toMatchObject({ Name: BUS, Arn: BUS_ARN });
    }
  });

  it('answers ResourceNotFoundException for another bus', async () => {
    const response = await call(makeService(), 'AWSEvents.DescribeEventBus', { Name: 'other' });

    expect(response.status).toBe(400);
    expect(json(response)).toEqual({ __type: 'ResourceNotFoundException', message: 'Event bus other does not exist.' });
  });

  it('lists the rules, filtered by prefix and paginated', async () => {
    const service = makeService();

    const first = json(await call(service, 'AWSEvents.ListRules', { EventBusName: BUS, Limit: 2 }));
    const second = json(
      await call(service, 'AWSEvents.ListRules', { EventBusName: BUS, Limit: 2, NextToken: first.NextToken }),
    );
    const prefixed = json(await call(service, 'AWSEvents.ListRules', { EventBusName: BUS, NamePrefix: 'Pay' }));

    const names = (body: Record<string, unknown>) => (body.Rules as { Name: string }[]).map((r) => r.Name);
    expect(names(first)).toEqual(['Journal', 'OrderEmails']);
    expect(names(second)).toEqual(['PaymentAudit']);
    expect(second.NextToken).toBeUndefined();
    expect(prefixed.Rules).toEqual([
      {
        Name: 'PaymentAudit',
        Arn: `arn:aws:events:${REGION}:${ACCOUNT}:rule/${BUS}/PaymentAudit`,
        EventPattern: JSON.stringify({ source: ['shop.payments'] }),
        State: 'ENABLED',
        Description: 'PaymentAudit test rule',
        EventBusName: BUS,
      },
    ]);
  });
});

describe('protocol compatibility with @aws-sdk/client-eventbridge', () => {
  it('serves PutEvents, DescribeEventBus and ListRules to a real EventBridgeClient over HTTP', async () => {
    const { calls, invoke } = fakeInvoke();
    const service = makeService({ invoke });
    const { endpoint, seen, close } = await serveOverHttp(service);
    const client = new EventBridgeClient({
      region: 'us-east-1',
      endpoint,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1,
    });

    try {
      const put = await client.send(
        new PutEventsCommand({
          Entries: [
            {
              EventBusName: BUS,
              Source: 'shop.orders',
              DetailType: 'OrderShipped',
              Detail: JSON.stringify({ orderId: 'o-9' }),
              Time: new Date('2024-03-04T05:06:07.890Z'),
            },
            { EventBusName: BUS, Source: 'shop.orders', DetailType: 'OrderShipped', Detail: 'not json' },
          ],
        }),
      );
      const bus = await client.send(new DescribeEventBusCommand({ Name: BUS }));
      const listed = await client.send(new ListRulesCommand({ EventBusName: BUS }));
      const missing = await client.send(new DescribeEventBusCommand({ Name: 'nope' })).catch((error: unknown) => error);
      await service.idle();

      expect(put.FailedEntryCount).toBe(1);
      expect(put.Entries?.[0]?.EventId).toMatch(/^[0-9a-f-]{36}$/);
      expect(put.Entries?.[1]).toMatchObject({ ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' });
      expect(calls.map((c) => c.event.time)).toEqual(['2024-03-04T05:06:07Z', '2024-03-04T05:06:07Z']);
      expect(calls[0]?.event.detail).toEqual({ orderId: 'o-9' });
      expect(bus.Arn).toBe(BUS_ARN);
      expect(bus.CreationTime).toBeInstanceOf(Date);
      expect(listed.Rules?.map((r) => r.Name)).toEqual(['Journal', 'OrderEmails', 'PaymentAudit']);
      expect(missing).toBeInstanceOf(ResourceNotFoundException);
      expect(seen[0]?.['x-amz-target']).toBe('AWSEvents.PutEvents');
      expect(seen[0]?.['content-type']).toBe('application/x-amz-json-1.1');
      // The sandbox dispatches on the SigV4 scope's service name: it must be this service's signingName.
      expect(seen[0]?.authorization).toContain(`/us-east-1/${service.signingName}/aws4_request`);
    } finally {
      client.destroy();
      await close();
    }
  });
});
