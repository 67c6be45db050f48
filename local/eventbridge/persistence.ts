import path from 'node:path';
import { JsonLines } from '../journal';
import type { BusEvent } from './service';

/** One event on its way to one rule's target. */
export interface Delivery {
  rule: string;
  event: BusEvent;
}

type DeliveryRecord =
  | ({ op: 'queued'; id: string } & Delivery)
  /** An attempt begun (the n-th). */
  | { op: 'attempt'; id: string; n: number; at: number }
  /** Delivered or dead-lettered: nothing more to do. */
  | { op: 'done'; id: string };

/** A delivery the journal still owes, and where its attempts stood. */
export interface PendingDelivery extends Delivery {
  id: string;
  /** Attempts begun so far. */
  attempts: number;
  /** When the last one began (epoch ms). */
  lastAttemptAt?: number;
}

/** Records kept without compaction, beyond those of the deliveries still pending. */
const SLACK = 2000;

/**
 * The bus's pending deliveries, in a JSON-lines file of DATA_DIR: a delivery is written when PutEvents accepts
 * its event (before the response), each attempt when it begins, and its end. What was not done when the
 * sandbox stopped or died is delivered after the next start. The file is compacted to what is pending once
 * finished records pile up.
 */
export class DeliveryJournal {
  private readonly journal: JsonLines<DeliveryRecord>;
  private readonly pending = new Map<string, PendingDelivery>();
  private written = 0;

  constructor(dir: string) {
    this.journal = new JsonLines(path.join(dir, 'deliveries.jsonl'));
  }

  /** What the file owes: deliveries queued and not done, in the order they were queued. */
  load(): PendingDelivery[] {
    this.pending.clear();
    const records = this.journal.read();
    for (const record of records) {
      if (record.op === 'queued') {
        this.pending.set(record.id, { id: record.id, rule: record.rule, event: record.event, attempts: 0 });
      } else if (record.op === 'attempt') {
        const delivery = this.pending.get(record.id);
        if (delivery) Object.assign(delivery, { attempts: record.n, lastAttemptAt: record.at });
      } else {
        this.pending.delete(record.id);
      }
    }
    this.written = records.length;
    this.compact();
    return [...this.pending.values()].map((delivery) => ({ ...delivery }));
  }

  queued(deliveries: (Delivery & { id: string })[]): void {
    this.journal.append(...deliveries.map((d): DeliveryRecord => ({ op: 'queued', ...d })));
    for (const d of deliveries) this.pending.set(d.id, { ...d, attempts: 0 });
    this.written += deliveries.length;
  }

  attempt(id: string, n: number, at = Date.now()): void {
    this.append({ op: 'attempt', id, n, at });
    const delivery = this.pending.get(id);
    if (delivery) Object.assign(delivery, { attempts: n, lastAttemptAt: at });
  }

  done(id: string): void {
    this.append({ op: 'done', id });
    this.pending.delete(id);
    if (this.written > this.pending.size * 3 + SLACK) this.compact();
  }

  private append(record: DeliveryRecord): void {
    this.journal.append(record);
    this.written++;
  }

  private compact(): void {
    const records: DeliveryRecord[] = [];
    for (const d of this.pending.values()) {
      records.push({ op: 'queued', id: d.id, rule: d.rule, event: d.event });
      if (d.attempts > 0) records.push({ op: 'attempt', id: d.id, n: d.attempts, at: d.lastAttemptAt ?? Date.now() });
    }
    this.journal.rewrite(records);
    this.written = records.length;
  }
}
