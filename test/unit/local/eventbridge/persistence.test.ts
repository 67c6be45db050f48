import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { EventRule } from '../../../../lib/spec/event-rules';
import { type BusEvent, EventBridgeService, type Invoke } from '../../../../local/eventbridge/service';

const BUS = 'shop-bus';

const rules: EventRule[] = [
  {
    name: 'Receipts',
    description: 'test rule',
    pattern: { source: ['shop.orders'] },
    // Times out after a second: an attempt cut short by the sandbox's death is retried after that.
    target: { handler: 'notify/receipt', bindings: {}, timeout: 1 },
  },
  {
    name: 'Journal',
    description: 'test rule',
    pattern: { source: [{ prefix: 'shop.' }] },
    target: { handler: 'platform/journal', bindings: {} },
  },
];

const dirs: string[] = [];
const services: EventBridgeService[] = [];
afterEach(async () => {
  for (const service of services.splice(0)) await service.stop();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
const tempDir = () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'bus-'));
  dirs.push(dir);
  return dir;
};

interface Call {
  handler: string;
  event: BusEvent;
  at: number;
}

const recorder = (behaviour: Record<string, (event: BusEvent) => unknown> = {}) => {
  const calls: Call[] = [];
  const invoke: Invoke = async ({ handler }, event) => {
    calls.push({ handler, event: event as BusEvent, at: Date.now() });
    return behaviour[handler]?.(event as BusEvent);
  };
  return { calls, invoke };
};

const create = (dir: string, invoke: Invoke) => {
  const service = new EventBridgeService({
    busName: BUS,
    region: 'us-east-1',
    accountId: '000000000000',
    rules,
    invoke,
    retry: { attempts: 3, baseDelayMs: 1 },
    log: () => undefined,
    dir,
  });
  services.push(service);
  return service;
};

const put = async (service: EventBridgeService, detailType: string) => {
  const reply = await service.handle({
    target: 'AWSEvents.PutEvents',
    headers: {},
    body: JSON.stringify({
      Entries: [{ EventBusName: BUS, Source: 'shop.orders', DetailType: detailType, Detail: '{"orderId":"o-1"}' }],
    }),
  });
  return (JSON.parse(reply.body) as { Entries: { EventId: string }[] }).Entries[0]?.EventId;
};

describe('EventBridgeService with a folder: deliveries outlive the sandbox', () => {
  it('delivers after a restart the events it accepted and had not delivered, and nothing delivered twice', async () => {
    const dir = tempDir();
    const first = recorder();
    const before = create(dir, first.invoke);
    const delivered = await put(before, 'OrderPlaced');
    await before.idle();
    // Accepted, then the sandbox stops before any delivery begins.
    const owed = await put(before, 'OrderConfirmed');
    await before.stop();
    expect(first.calls.map((c) => c.event.id)).toEqual([delivered, delivered]);

    const second = recorder();
    const after = create(dir, second.invoke);
    expect(after.stats().pending).toBe(0);
    after.resumeDeliveries();
    await after.idle();
    expect(second.calls.map((c) => [c.handler, c.event.id, c.event['detail-type']]).sort()).toEqual([
      ['notify/receipt', owed, 'OrderConfirmed'],
      ['platform/journal', owed, 'OrderConfirmed'],
    ]);

    const third = recorder();
    const again = create(dir, third.invoke);
    again.resumeDeliveries();
    await again.idle();
    expect(third.calls).toEqual([]);
  });

  it('retries an attempt cut short by the stop once it would have timed out, as the attempt it was', async () => {
    const dir = tempDir();
    const first = recorder({ 'notify/receipt': () => new Promise(() => undefined) });
    const before = create(dir, first.invoke);
    const id = await put(before, 'OrderConfirmed');
    await new Promise((resolve) => setTimeout(resolve, 20));
    await before.stop();
    const cutShort = first.calls.find((c) => c.handler === 'notify/receipt');
    expect(cutShort?.event.id).toBe(id);

    const second = recorder({
      'notify/receipt': () => {
        throw new Error('still failing');
      },
    });
    const after = create(dir, second.invoke);
    after.resumeDeliveries();
    await after.idle();
    const retried = second.calls.filter((c) => c.handler === 'notify/receipt');
    // Not at once: only when the cut-short attempt's 1 s timeout has passed since it started (the journal's start
    // and the recorder's clock may differ by a millisecond or two of rounding).
    expect(retried[0]?.at).toBeGreaterThanOrEqual((cutShort?.at ?? 0) + 1000 - 5);
    // Attempts 2 and 3 after the one cut short, then the dead-letter list.
    expect(retried).toHaveLength(2);
    expect(after.deadLetters()).toEqual([
      expect.objectContaining({ rule: 'Receipts', attempts: 3, error: 'still failing' }),
    ]);
  });

  it('keeps the dead-letter list across a restart, cleared too', async () => {
    const dir = tempDir();
    const failing = recorder({
      'platform/journal': () => {
        throw new Error('broken');
      },
    });
    const before = create(dir, failing.invoke);
    const id = await put(before, 'OrderPlaced');
    await before.idle();
    expect(before.deadLetters()).toHaveLength(1);
    await before.stop();

    const after = create(dir, recorder().invoke);
    expect(after.deadLetters()).toEqual([
      expect.objectContaining({ rule: 'Journal', handler: 'platform/journal', error: 'broken', attempts: 3 }),
    ]);
    expect(after.deadLetters()[0]?.event.id).toBe(id);
    after.clearDeadLetters();
    await after.stop();
    expect(create(dir, recorder().invoke).deadLetters()).toEqual([]);
  });
});
