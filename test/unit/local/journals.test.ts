import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { afterEach, describe, expect, it } from 'vitest';
import { DeliveryJournal } from '../../../local/eventbridge/persistence';
import type { BusEvent } from '../../../local/eventbridge/service';
import { ExecutionJournal, resumePoint } from '../../../local/stepfunctions/persistence';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
const tempDir = () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'journal-'));
  dirs.push(dir);
  return dir;
};

const busEvent = (id: string): BusEvent => ({
  version: '0',
  id,
  'detail-type': 'OrderConfirmed',
  source: 'shop.orders',
  account: '000000000000',
  time: '2026-03-01T12:00:00Z',
  region: 'us-east-1',
  resources: [],
  detail: { orderId: id },
});

describe('DeliveryJournal', () => {
  it('owes, after a restart, what was queued and not done, with the attempts begun', () => {
    const dir = tempDir();
    const journal = new DeliveryJournal(dir);
    expect(journal.load()).toEqual([]);
    journal.queued([
      { id: 'e1:A', rule: 'A', event: busEvent('e1') },
      { id: 'e1:B', rule: 'B', event: busEvent('e1') },
      { id: 'e2:A', rule: 'A', event: busEvent('e2') },
    ]);
    journal.attempt('e1:A', 1, 1_000);
    journal.done('e1:A');
    journal.attempt('e1:B', 1, 2_000);
    journal.attempt('e1:B', 2, 3_000);

    const owed = new DeliveryJournal(dir).load();
    expect(owed).toEqual([
      { id: 'e1:B', rule: 'B', event: busEvent('e1'), attempts: 2, lastAttemptAt: 3_000 },
      { id: 'e2:A', rule: 'A', event: busEvent('e2'), attempts: 0 },
    ]);
  });

  it('compacts its file to what is pending on load, and keeps going after a record cut short', () => {
    const dir = tempDir();
    const journal = new DeliveryJournal(dir);
    for (let i = 0; i < 50; i++) {
      journal.queued([{ id: `e${i}:A`, rule: 'A', event: busEvent(`e${i}`) }]);
      journal.attempt(`e${i}:A`, 1);
      if (i > 0) journal.done(`e${i}:A`);
    }
    appendFileSync(path.join(dir, 'deliveries.jsonl'), '{"op":"done","id":"e0');
    const reloaded = new DeliveryJournal(dir);
    expect(reloaded.load().map((d) => d.id)).toEqual(['e0:A']);
    expect(readFileSync(path.join(dir, 'deliveries.jsonl'), 'utf8').trim().split('\n')).toHaveLength(2);
    reloaded.done('e0:A');
    expect(new DeliveryJournal(dir).load()).toEqual([]);
  });
});

const entered = (name: string, input: unknown, at: number): HistoryEvent => ({
  type: 'TaskStateEntered',
  id: 0,
  timestamp: new Date(at),
  stateEnteredEventDetails: { name, input: JSON.stringify(input) },
});

describe('ExecutionJournal', () => {
  const arn = 'arn:aws:states:us-east-1:000000000000:execution:Checkout:ord_1';
  const machineArn = 'arn:aws:states:us-east-1:000000000000:stateMachine:Checkout';

  it('tells a running execution apart from a closed one after a restart, with its history and last call', () => {
    const dir = tempDir();
    const journal = new ExecutionJournal(dir);
    journal.started({ arn, name: 'ord_1', machineArn, input: '{"orderId":"ord_1"}', startDate: new Date(1_000) });
    journal.event(arn, entered('ReserveStock', { orderId: 'ord_1' }, 1_001));
    journal.task(arn, 'ReserveStock', 1_002);
    const other = `${arn}-2`;
    journal.started({ arn: other, name: 'ord_1-2', machineArn, input: '{}', startDate: new Date(2_000) });
    journal.closed(other, { status: 'SUCCEEDED', stopDate: new Date(3_000), output: '{"done":true}' });

    const [running, closed] = new ExecutionJournal(dir).load();
    expect(running).toMatchObject({
      arn,
      name: 'ord_1',
      machineArn,
      status: 'RUNNING',
      startDate: new Date(1_000),
      lastTask: { state: 'ReserveStock', at: 1_002 },
    });
    expect(running?.events).toEqual([entered('ReserveStock', { orderId: 'ord_1' }, 1_001)]);
    expect(closed).toMatchObject({
      arn: other,
      status: 'SUCCEEDED',
      stopDate: new Date(3_000),
      output: '{"done":true}',
    });
    expect(new ExecutionJournal(dir).history(arn)).toEqual(running?.events);
  });

  it('removes an execution, and a file whose start was cut short', () => {
    const dir = tempDir();
    const journal = new ExecutionJournal(dir);
    journal.started({ arn, name: 'ord_1', machineArn, input: '{}', startDate: new Date(1_000) });
    appendFileSync(path.join(dir, 'torn.jsonl'), '{"type":"sta');
    expect(new ExecutionJournal(dir).load().map((e) => e.arn)).toEqual([arn]);
    expect(readdirSync(dir)).toHaveLength(1);
    journal.remove(arn);
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('resumePoint', () => {
  const top = new Set(['ReserveStock', 'ChargePayment', 'ConfirmOrder']);

  it('is the last top-level state entered, with its input', () => {
    const events: HistoryEvent[] = [
      { type: 'ExecutionStarted', id: 1, timestamp: new Date(0) },
      entered('ReserveStock', { a: 1 }, 10),
      { type: 'TaskStateExited', id: 3, timestamp: new Date(20), stateExitedEventDetails: { name: 'ReserveStock' } },
      entered('ChargePayment', { a: 2 }, 30),
      // A state of a Map's or Parallel's own machine is not where the execution goes on.
      entered('InnerStep', { a: 3 }, 40),
    ];
    expect(resumePoint(events, top)).toEqual({ state: 'ChargePayment', input: '{"a":2}', enteredAt: 30 });
  });

  it('is none before the first state: the execution starts over', () => {
    expect(resumePoint([{ type: 'ExecutionStarted', id: 1, timestamp: new Date(0) }], top)).toBeUndefined();
  });
});
