/**
 * The platform table keeps several purposes apart by partition key. This is the one list of them: the functions
 * build their keys from `platformKeys` (functions/shared/*, functions/platform, reporting, notifications), and
 * CDK turns a binding's purposes into grants limited to those partitions (`dynamodb:LeadingKeys`) and to the
 * calls each purpose makes (lib/constructs/bind.ts), so that a key and its grant cannot drift apart.
 */

/** The platform table's indexes (lib/spec/tables.ts); a Query on one names it, never `index/*`. */
export type PlatformIndex = 'gsi1' | 'gsi2';

/** Item calls (TransactWriteItems is authorized per Put, Update, Delete or ConditionCheck inside it). */
export type ItemAction = 'GetItem' | 'PutItem' | 'UpdateItem' | 'DeleteItem' | 'ConditionCheckItem' | 'Query';

/** One way of using a purpose: the calls it makes on which partitions of the table, and which index partitions it queries. */
export interface PlatformAccess {
  /** Calls on the table itself (a Query here reads the table's own partitions). */
  actions: readonly ItemAction[];
  /** Partition-key values (`*` ends a prefix) of the table's items these calls touch. */
  keys: readonly string[];
  /** Query on an index, limited to these values of the index's partition key. */
  query?: Partial<Record<PlatformIndex, readonly string[]>>;
}

const IDEMPOTENCY = 'IDEMPOTENCY#';

/** Partition keys and index partitions of every purpose. */
export const platformKeys = {
  /** An audit record or tally; the log's time-ordered feed is one gsi1 partition, each actor's a gsi2 one. */
  audit: (id: string) => ({ pk: `AUDIT#${id}`, sk: 'AUDIT' }),
  auditFeed: 'AUDIT',
  auditByActor: (actor: string) => `AUDIT#ACTOR#${actor}`,
  /** An episode of suspicious activity; those not published yet form one gsi1 partition. */
  alert: (subject: string) => ({ pk: `ALERT#${subject}`, sk: 'ALERT' }),
  pendingAlerts: 'ALERTS#PENDING',
  /** The IPs an admin signed in from. */
  adminIps: (userId: string) => ({ pk: `ADMIN_IPS#${userId}`, sk: 'ADMIN_IPS' }),
  /** A rate-limit counter: its open window's start and count. */
  rateWindow: (name: string) => ({ pk: `RATE#${name}`, sk: 'WINDOW' }),
  /** The partition of one idempotency scope (Powertools keeps every record of a scope in it). */
  idempotency: (scope: string) => `${IDEMPOTENCY}${scope}`,
  /** The event journal's entry; the journal by day is a gsi1 partition. */
  event: (id: string) => ({ pk: `EVENT#${id}`, sk: 'EVENT' }),
  eventsOfDay: (day: string) => `EVENTS#${day}`,
  /** The admin overview's counters of one day, and the proof that an event was counted into them. */
  reportDay: (day: string) => ({ pk: 'REPORT#DAILY', sk: `DAY#${day}` }),
  reportDays: 'REPORT#DAILY',
  reportCounted: (eventId: string) => ({ pk: `REPORT#COUNTED#${eventId}`, sk: 'COUNTED#DAILY' }),
  /** The item the health probe reads (it never exists). */
  health: { pk: 'HEALTH', sk: 'HEALTH' },
  /** An address SES reported as bouncing or complaining: no mail goes to it. */
  suppressed: (email: string) => ({ pk: `SUPPRESSED#${email.trim().toLowerCase()}`, sk: 'SUPPRESSED' }),
} as const;

/** The idempotency scopes (functions/shared/idempotency.ts `once`); each is a partition of its own. */
export const IDEMPOTENCY_SCOPES = ['notifications.email', 'payments.charge', 'payments.refund'] as const;
export type IdempotencyScope = (typeof IDEMPOTENCY_SCOPES)[number];

/** Powertools' DynamoDB persistence layer: get, put (conditional), update and delete of its records. */
const idempotencyCalls: readonly ItemAction[] = ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem'];

/** Every purpose and its ways of use (the modes a binding names). */
export const platformPurposes = {
  /** The audit trail: records and per-minute tallies are written (PutItem, UpdateItem), the admin lists them. */
  audit: {
    write: { actions: ['PutItem', 'UpdateItem'], keys: ['AUDIT#*'] },
    read: { actions: [], keys: [], query: { gsi1: ['AUDIT'], gsi2: ['AUDIT#ACTOR#*'] } },
  },
  /** Suspicious activity: a detection opens an episode (conditional PutItem); the publisher claims pending ones. */
  securityAlerts: {
    raise: { actions: ['PutItem'], keys: ['ALERT#*'] },
    publish: { actions: ['UpdateItem'], keys: ['ALERT#*'], query: { gsi1: ['ALERTS#PENDING'] } },
  },
  /** The IPs each admin signed in from (an atomic ADD). */
  adminSignIns: { write: { actions: ['UpdateItem'], keys: ['ADMIN_IPS#*'] } },
  /** Per-IP and per-account counters (an atomic ADD per request). */
  rateLimits: { count: { actions: ['UpdateItem'], keys: ['RATE#*'] } },
  /** Powertools idempotency records, one partition per scope. */
  idempotency: Object.fromEntries(
    IDEMPOTENCY_SCOPES.map((scope) => [scope, { actions: idempotencyCalls, keys: [`${IDEMPOTENCY}${scope}`] }]),
  ) as unknown as Record<IdempotencyScope, PlatformAccess>,
  /** The journal of every domain event (a conditional PutItem per event). */
  eventJournal: { write: { actions: ['PutItem'], keys: ['EVENT#*'] } },
  /** The admin overview's daily counters: counted once per event in one transaction (Put + Update), read by range. */
  dailyCounters: {
    count: { actions: ['PutItem', 'UpdateItem'], keys: ['REPORT#*'] },
    read: { actions: ['Query'], keys: ['REPORT#DAILY'] },
  },
  /** The health probe's one read. */
  health: { probe: { actions: ['GetItem'], keys: ['HEALTH'] } },
  /** Addresses SES reported as bouncing or complaining: written on the report, read before every email. */
  mailSuppression: {
    write: { actions: ['PutItem'], keys: ['SUPPRESSED#*'] },
    read: { actions: ['GetItem'], keys: ['SUPPRESSED#*'] },
  },
} as const satisfies Record<string, Record<string, PlatformAccess>>;

export type PlatformPurpose = keyof typeof platformPurposes;
export type PlatformMode<P extends PlatformPurpose> = keyof (typeof platformPurposes)[P];

/** What a function may do in the platform table: for each purpose it uses, the ways it uses it. */
export type PlatformGrant = { [P in PlatformPurpose]?: readonly PlatformMode<P>[] };

/** The accesses a grant amounts to, purpose by purpose. */
export const accessesOf = (
  grant: PlatformGrant,
): { purpose: PlatformPurpose; mode: string; access: PlatformAccess }[] =>
  (Object.entries(grant) as [PlatformPurpose, readonly string[]][]).flatMap(([purpose, modes]) =>
    modes.map((mode) => {
      const access = (platformPurposes[purpose] as Record<string, PlatformAccess>)[mode];
      if (!access) throw new Error(`The platform purpose ${purpose} has no mode ${mode}`);
      return { purpose, mode, access };
    }),
  );

/** Two grants together (the api wrapper's and a route's own). */
export const mergeGrants = (...grants: (PlatformGrant | undefined)[]): PlatformGrant => {
  const merged: Record<string, string[]> = {};
  for (const grant of grants) {
    for (const [purpose, modes] of Object.entries(grant ?? {}) as [string, readonly string[]][]) {
      merged[purpose] = [...new Set([...(merged[purpose] ?? []), ...modes])];
    }
  }
  return merged as PlatformGrant;
};

export const grantsAnything = (grant: PlatformGrant | undefined): boolean =>
  Object.values(grant ?? {}).some((modes) => (modes?.length ?? 0) > 0);

/**
 * An IAM policy statement in plain JSON, with the table's ARN as given (a token in CDK, a literal in tests).
 * `ForAllValues:StringLike` on `dynamodb:LeadingKeys`: every partition key the request touches must match. It is
 * vacuously true for a request without a key (Scan, BatchWriteItem), which is why no grant here has one.
 */
export interface PlatformStatement {
  actions: string[];
  resources: string[];
  leadingKeys: string[];
}

/**
 * The statements of a grant: per table access, its actions on the table limited to its partitions; per index
 * query, Query on that index (named) limited to the index partitions. Accesses with the same actions are merged.
 */
export const platformStatements = (grant: PlatformGrant, tableArn: string): PlatformStatement[] => {
  const byActions = new Map<string, PlatformStatement>();
  const add = (actions: readonly ItemAction[], resource: string, keys: readonly string[]) => {
    if (actions.length === 0 || keys.length === 0) return;
    const names = [...new Set(actions)].sort().map((action) => `dynamodb:${action}`);
    const id = `${names.join(',')} ${resource}`;
    const statement = byActions.get(id) ?? { actions: names, resources: [resource], leadingKeys: [] };
    statement.leadingKeys = [...new Set([...statement.leadingKeys, ...keys])].sort();
    byActions.set(id, statement);
  };
  for (const { access } of accessesOf(grant)) {
    add(access.actions, tableArn, access.keys);
    for (const [index, keys] of Object.entries(access.query ?? {}) as [PlatformIndex, readonly string[]][]) {
      add(['Query'], `${tableArn}/index/${index}`, keys);
    }
  }
  return [...byActions.values()];
};
