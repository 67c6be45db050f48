import { createHash } from 'node:crypto';
import path from 'node:path';
import type { ExecutionStatus, HistoryEvent } from '@aws-sdk/client-sfn';
import { JsonLines, journalFiles } from '../journal';

/** What an execution's file holds, one record a line, in the order things happened. */
export type ExecutionRecord =
  | { type: 'started'; arn: string; name: string; machineArn: string; input: string; startDate: number }
  | { type: 'event'; event: StoredEvent }
  /** A Lambda call a Task state began: the one running when the sandbox died is only retried once it would have timed out. */
  | { type: 'task'; state: string; at: number }
  | { type: 'closed'; status: ExecutionStatus; stopDate: number; output?: string; error?: string; cause?: string };

/** A history event as stored: its timestamp in epoch milliseconds. */
type StoredEvent = Omit<HistoryEvent, 'timestamp'> & { timestamp: number };

/** An execution as its file tells it. */
export interface StoredExecution {
  arn: string;
  name: string;
  machineArn: string;
  input: string;
  startDate: Date;
  /** RUNNING when the sandbox stopped (or died) before it closed. */
  status: ExecutionStatus;
  stopDate?: Date;
  output?: string;
  error?: string;
  cause?: string;
  events: HistoryEvent[];
  /** The latest Lambda call begun. */
  lastTask?: { state: string; at: number };
}

const toStored = (event: HistoryEvent): StoredEvent => ({
  ...event,
  timestamp: event.timestamp instanceof Date ? event.timestamp.getTime() : Date.now(),
});
const fromStored = (event: StoredEvent): HistoryEvent => ({ ...event, timestamp: new Date(event.timestamp) });

/**
 * The executions of the Step Functions emulation, one JSON-lines file per execution under a folder of
 * DATA_DIR: its start, every history event, the Lambda calls begun, its close. Written as things happen,
 * synchronously, so a StartExecution that answered survives the process, and an execution that was running
 * when the process died can go on from the last state it entered (see resumePoint).
 */
export class ExecutionJournal {
  private readonly files = new Map<string, JsonLines<ExecutionRecord>>();

  constructor(readonly dir: string) {}

  /** Every execution on disk, oldest start first. A file without its start record (cut short) is removed. */
  load(): StoredExecution[] {
    const executions: StoredExecution[] = [];
    for (const file of journalFiles(this.dir)) {
      const journal = new JsonLines<ExecutionRecord>(file);
      const execution = replay(journal.read());
      if (!execution) {
        journal.remove();
        continue;
      }
      this.files.set(execution.arn, journal);
      executions.push(execution);
    }
    return executions.sort((a, b) => a.startDate.getTime() - b.startDate.getTime());
  }

  started(execution: { arn: string; name: string; machineArn: string; input: string; startDate: Date }): void {
    const { arn, name, machineArn, input, startDate } = execution;
    this.file(arn).append({ type: 'started', arn, name, machineArn, input, startDate: startDate.getTime() });
  }

  event(arn: string, event: HistoryEvent): void {
    this.file(arn).append({ type: 'event', event: toStored(event) });
  }

  task(arn: string, state: string, at: number): void {
    this.file(arn).append({ type: 'task', state, at });
  }

  closed(
    arn: string,
    outcome: { status: ExecutionStatus; stopDate: Date; output?: string; error?: string; cause?: string },
  ): void {
    const journal = this.file(arn);
    journal.append({ ...outcome, type: 'closed', stopDate: outcome.stopDate.getTime() });
    journal.close();
  }

  /** The execution's history events, read from its file. */
  history(arn: string): HistoryEvent[] {
    return this.file(arn)
      .read()
      .flatMap((record) => (record.type === 'event' ? [fromStored(record.event)] : []));
  }

  remove(arn: string): void {
    this.file(arn).remove();
    this.files.delete(arn);
  }

  private file(arn: string): JsonLines<ExecutionRecord> {
    let journal = this.files.get(arn);
    if (!journal) {
      const name = createHash('sha256').update(arn).digest('hex').slice(0, 40);
      journal = new JsonLines<ExecutionRecord>(path.join(this.dir, `${name}.jsonl`));
      this.files.set(arn, journal);
    }
    return journal;
  }
}

const replay = (records: ExecutionRecord[]): StoredExecution | undefined => {
  const [first] = records;
  if (first?.type !== 'started') return undefined;
  const execution: StoredExecution = {
    arn: first.arn,
    name: first.name,
    machineArn: first.machineArn,
    input: first.input,
    startDate: new Date(first.startDate),
    status: 'RUNNING',
    events: [],
  };
  for (const record of records) {
    if (record.type === 'event') execution.events.push(fromStored(record.event));
    else if (record.type === 'task') execution.lastTask = { state: record.state, at: record.at };
    else if (record.type === 'closed') {
      Object.assign(execution, {
        status: record.status,
        stopDate: new Date(record.stopDate),
        ...(record.output !== undefined && { output: record.output }),
        ...(record.error !== undefined && { error: record.error }),
        ...(record.cause !== undefined && { cause: record.cause }),
      });
    }
  }
  return execution;
};

/**
 * Where an execution interrupted by the sandbox's death goes on: the last top-level state it entered, with
 * that state's input (a Task in flight is called again, as Step Functions retries a Lambda call that never
 * answered, which is why every step must be safe to repeat). Undefined: it entered none, so it starts over.
 */
export const resumePoint = (
  events: HistoryEvent[],
  topLevelStates: ReadonlySet<string>,
): { state: string; input: string; enteredAt: number } | undefined => {
  for (let i = events.length - 1; i >= 0; i--) {
    const event = events[i];
    const entered = event?.stateEnteredEventDetails;
    if (event && entered?.name && topLevelStates.has(entered.name)) {
      return {
        state: entered.name,
        input: entered.input ?? '{}',
        enteredAt: event.timestamp instanceof Date ? event.timestamp.getTime() : 0,
      };
    }
  }
  return undefined;
};
