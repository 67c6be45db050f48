import { DynamoDBClient, paginateScan } from '@aws-sdk/client-dynamodb';
import { tables } from '../../lib/spec/tables';
import { localTableName } from '../../local/dynamodb';

/**
 * Records a refused request writes by design, in the platform table: the audit trail of the refusal, the
 * rate-limit and lockout counters it counts in, and the detection of suspicious activity it may feed.
 */
const BOOKKEEPING = /^(AUDIT#|RATE#|ALERT#)/;

export type Snapshot = Map<string, string>;

/** Every item of every table of the sandbox, bookkeeping aside, keyed by table and primary key. */
export const snapshotTables = async (client: DynamoDBClient): Promise<Snapshot> => {
  const snapshot: Snapshot = new Map();
  await Promise.all(
    Object.entries(tables).map(async ([name, spec]) => {
      for await (const page of paginateScan({ client }, { TableName: localTableName(name), ConsistentRead: true })) {
        for (const item of page.Items ?? []) {
          const pk = Object.values(item[spec.partitionKey.name] ?? {})[0];
          const sk = spec.sortKey ? Object.values(item[spec.sortKey.name] ?? {})[0] : '';
          if (name === 'platform' && BOOKKEEPING.test(String(pk))) continue;
          snapshot.set(`${name} ${String(pk)} ${String(sk)}`, JSON.stringify(item));
        }
      }
    }),
  );
  return snapshot;
};

/** The keys whose items differ between two snapshots (added, removed or changed). */
export const changedKeys = (before: Snapshot, after: Snapshot): string[] => {
  const keys = new Set([...before.keys(), ...after.keys()]);
  return [...keys].filter((key) => before.get(key) !== after.get(key)).sort();
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface SandboxStats {
  events?: { pending?: number };
  workflows?: { running?: number };
  lambda?: { functions?: Record<string, { busy?: number; queued?: number }> };
}

const inFlight = (stats: SandboxStats) =>
  (stats.events?.pending ?? 0) +
  (stats.workflows?.running ?? 0) +
  Object.values(stats.lambda?.functions ?? {}).reduce((sum, fn) => sum + (fn.busy ?? 0) + (fn.queued ?? 0), 0);

/**
 * Waits until the sandbox has nothing in flight (no event awaiting delivery, no running execution, no busy
 * function), twice in a row, so that what a request set off has run its course before the tables are read.
 */
export const sandboxIdle = async (url: string, timeoutMs = 30_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  let quiet = 0;
  while (quiet < 2) {
    if (Date.now() > deadline) throw new Error(`The sandbox was still busy after ${timeoutMs} ms`);
    const stats = (await (await fetch(`${url}/_aws/stats`)).json()) as SandboxStats;
    quiet = inFlight(stats) === 0 ? quiet + 1 : 0;
    await sleep(10);
  }
};

/** The tables once the sandbox is idle. */
export const idleSnapshot = async (url: string, client: DynamoDBClient): Promise<Snapshot> => {
  await sandboxIdle(url);
  return snapshotTables(client);
};

export const sandboxDynamo = (endpoint: string) =>
  new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
