import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { suppressionList } from '../../../functions/notifications/suppression';
import { platformStore } from '../../../functions/platform/store';
import { reportingStore } from '../../../functions/reporting/store';
import { auditLog } from '../../../functions/shared/audit';
import { once, platformPersistence } from '../../../functions/shared/idempotency';
import { rateLimiter } from '../../../functions/shared/rate-limit';
import { pendingAlerts, securityAlerts } from '../../../functions/shared/security-alerts';
import { eventRules } from '../../../lib/spec/event-rules';
import {
  IDEMPOTENCY_SCOPES,
  type PlatformGrant,
  platformPurposes,
  platformStatements,
} from '../../../lib/spec/platform';
import { authorizer, routes } from '../../../lib/spec/routes';
import { detections } from '../../../lib/spec/security-alerts';
import { stateMachines } from '../../../lib/spec/state-machines';
import { type LocalTables, startLocalDynamo } from '../support/dynamo-local';
import { AccessDeniedError, allows, enforcedClients, PLATFORM_TABLE_ARN } from '../support/iam-dynamo';

/**
 * Each way the functions use the platform table, run against DynamoDB Local through a client that lets a
 * request pass only when the IAM statements CDK writes for the purpose's grant allow it (partition keys by
 * `dynamodb:LeadingKeys`, calls by action, indexes by name). DynamoDB Local enforces no IAM, nor does the
 * sandbox: this is where a key a store builds and the grant of its purpose are held together.
 */
let local: LocalTables;
beforeAll(async () => {
  local = await startLocalDynamo();
}, 60_000);
afterAll(async () => {
  await local?.stop();
});

const clientsFor = (grant: PlatformGrant) => enforcedClients(local.dynamo.endpoint, grant);
const who = { ip: '203.0.113.7', userAgent: 'test', correlationId: 'c-1' };

describe('the platform purposes, each used within its own grant', () => {
  it('audit write: records, records once, tallies', async () => {
    const { documentClient, log } = clientsFor({ audit: ['write'] });
    const audit = auditLog(documentClient);
    await audit.record({ type: 'auth.login', ip: who.ip, userAgent: '', outcome: 'success', actor: 'u-1' });
    expect(
      await audit.recordOnce(`once-${randomUUID()}`, {
        type: 'auth.login',
        ip: who.ip,
        userAgent: '',
        outcome: 'failure',
      }),
    ).toBe(true);
    await audit.tally({ type: 'access.refused', ip: who.ip, userAgent: '' });
    expect(log.map((entry) => entry.action)).toEqual(['dynamodb:PutItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem']);
  });

  it('audit read: the feed (gsi1) and an actor (gsi2), each index named', async () => {
    const { documentClient, log } = clientsFor({ audit: ['read'] });
    const audit = auditLog(documentClient);
    await audit.list({ limit: 5 });
    await audit.list({ limit: 5, actor: 'u-1' });
    expect(log.map((entry) => entry.resource)).toEqual([
      `${PLATFORM_TABLE_ARN}/index/gsi1`,
      `${PLATFORM_TABLE_ARN}/index/gsi2`,
    ]);
    // Reading the log is not writing it.
    await expect(audit.record({ type: 'auth.login', ip: who.ip, userAgent: '', outcome: 'success' })).rejects.toThrow(
      AccessDeniedError,
    );
  });

  it('security alerts: raised at a threshold, then listed, claimed and released by the publisher', async () => {
    const raiser = clientsFor({ securityAlerts: ['raise'] });
    const ip = `198.51.100.${Math.floor(Math.random() * 250)}`;
    expect(
      await securityAlerts(raiser.documentClient).counted('refusals', detections.refusals.threshold, { ...who, ip }),
    ).toBe(true);

    const publisher = clientsFor({ securityAlerts: ['publish'] });
    const alerts = pendingAlerts(publisher.documentClient);
    const pending = (await alerts.list(100)).find((alert) => alert.event.data.ip === ip);
    if (!pending) throw new Error('the alert is not pending');
    expect(await alerts.claim(pending.key)).toBe(true);
    await alerts.release(pending.key);
    expect(publisher.log.every((entry) => entry.allowed)).toBe(true);
    // The publisher opens no episode of its own.
    await expect(
      securityAlerts(publisher.documentClient).counted('refusals', detections.refusals.threshold, who),
    ).resolves.toBe(false);
    expect(publisher.log.at(-1)).toMatchObject({ action: 'dynamodb:PutItem', allowed: false });
  });

  it("admin sign-ins: the admin's IPs, and the alert of a new one", async () => {
    const { documentClient, log } = clientsFor({ adminSignIns: ['write'], securityAlerts: ['raise'] });
    const alerts = securityAlerts(documentClient);
    const userId = `admin-${randomUUID()}`;
    expect(await alerts.adminSignedIn({ ...who, userId })).toBe(false);
    expect(await alerts.adminSignedIn({ ...who, ip: '192.0.2.1', userId })).toBe(true);
    expect(log.every((entry) => entry.allowed)).toBe(true);
  });

  it('rate limits: hit, take and refund', async () => {
    const { documentClient, log } = clientsFor({ rateLimits: ['count'] });
    const limiter = rateLimiter(documentClient);
    const rule = { limit: 2, windowSeconds: 60 };
    const name = `test#${randomUUID()}`;
    await limiter.hit(name, rule);
    await limiter.take(name, rule);
    await limiter.refund(name, rule);
    // The first hit finds no open window and opens one: two updates.
    expect(log.map((entry) => entry.action)).toEqual(Array(4).fill('dynamodb:UpdateItem'));
    expect(log.every((entry) => entry.allowed)).toBe(true);
  });

  it.each(IDEMPOTENCY_SCOPES)(
    'idempotency %s: a first run, a replay, a failed run, in its partition only',
    async (scope) => {
      const { client, log } = clientsFor({ idempotency: [scope] });
      const run = once({ scope, expiresAfterSeconds: 60 }, platformPersistence(scope, client));
      const key = { id: randomUUID() };
      expect(await run(key, async () => 'done')).toEqual({ value: 'done', replayed: false });
      expect(await run(key, async () => 'again')).toEqual({ value: 'done', replayed: true });
      await expect(run({ id: randomUUID() }, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
      // GetItem too is granted: Powertools reads the record when a refused put does not return it.
      expect(new Set(log.map((entry) => entry.action))).toEqual(
        new Set(['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem']),
      );
      expect(log.every((entry) => entry.allowed)).toBe(true);

      const other = IDEMPOTENCY_SCOPES.find((candidate) => candidate !== scope) as string;
      const elsewhere = once({ scope: other, expiresAfterSeconds: 60 }, platformPersistence(other, client));
      await expect(elsewhere({ id: randomUUID() }, async () => 'x')).rejects.toThrow();
      expect(log.at(-1)).toMatchObject({ allowed: false, leadingKeys: [`IDEMPOTENCY#${other}`] });
    },
  );

  it('event journal: one entry per event', async () => {
    const { documentClient, log } = clientsFor({ eventJournal: ['write'] });
    const entry = {
      id: randomUUID(),
      source: 'shop.test',
      detailType: 'Test',
      time: new Date().toISOString(),
      detail: {},
      expiresAt: 1,
    };
    expect(await platformStore(documentClient).recordEvent(entry)).toBe(true);
    expect(log).toMatchObject([{ action: 'dynamodb:PutItem', allowed: true }]);
  });

  it('daily counters: counted in one transaction (Put and Update, each authorized), read by range', async () => {
    const counter = clientsFor({ dailyCounters: ['count'] });
    const day = '2031-01-02';
    const store = reportingStore(counter.documentClient);
    expect(await store.count(randomUUID(), { day, counts: { ordersPlaced: 1 } }, 1)).toBe('counted');
    expect(counter.log.map((entry) => entry.action)).toEqual(['dynamodb:PutItem', 'dynamodb:UpdateItem']);
    // The marker lives in the counters' partitions, not the journal's.
    expect(counter.log[0]?.leadingKeys[0]).toMatch(/^REPORT#/);

    const reader = clientsFor({ dailyCounters: ['read'] });
    expect((await reportingStore(reader.documentClient).days(day, day))[0]?.counts.ordersPlaced).toBe(1);
    await expect(
      reportingStore(reader.documentClient).count(randomUUID(), { day, counts: { ordersPlaced: 1 } }, 1),
    ).rejects.toThrow(AccessDeniedError);
  });

  it('health: one read of its item, nothing else', async () => {
    const { documentClient, log } = clientsFor({ health: ['probe'] });
    await platformStore(documentClient).probe();
    expect(log).toMatchObject([{ action: 'dynamodb:GetItem', leadingKeys: ['HEALTH'], allowed: true }]);
    await expect(rateLimiter(documentClient).hit('x', { limit: 1, windowSeconds: 60 })).rejects.toThrow(
      AccessDeniedError,
    );
  });

  it('mail suppression: the recorder puts an address on the list, the notifier reads it', async () => {
    const recorder = clientsFor({ mailSuppression: ['write'] });
    const email = `Bounced-${randomUUID()}@Example.com`;
    await suppressionList(recorder.documentClient).suppress(email, 'bounce');
    const notifier = clientsFor({ mailSuppression: ['read'] });
    const list = suppressionList(notifier.documentClient);
    expect(await list.isSuppressed(email.toLowerCase())).toBe(true);
    expect(await list.isSuppressed(`other-${randomUUID()}@example.com`)).toBe(false);
    await expect(list.suppress(email, 'complaint')).rejects.toThrow(AccessDeniedError);
    expect(recorder.log).toMatchObject([{ action: 'dynamodb:PutItem', allowed: true }]);
  });
});

describe('the grants of the functions', () => {
  const specs = [
    authorizer,
    ...routes,
    ...eventRules.map((rule) => rule.target),
    ...stateMachines.flatMap((machine) => Object.values(machine.tasks)),
  ];

  it('never let a request without a partition key through (no Scan, no BatchWriteItem on the platform table)', () => {
    for (const spec of specs) {
      const statements = platformStatements(spec.bindings.platform ?? {}, PLATFORM_TABLE_ARN);
      for (const action of ['dynamodb:Scan', 'dynamodb:BatchWriteItem', 'dynamodb:BatchGetItem']) {
        expect(allows(statements, { action, resource: PLATFORM_TABLE_ARN, leadingKeys: [] }), spec.handler).toBe(false);
      }
    }
  });

  it('let a route that is not rate limited write no counter, idempotency record or journal entry', () => {
    for (const route of routes.filter((r) => !r.rateLimit)) {
      const statements = platformStatements(route.bindings.platform ?? {}, PLATFORM_TABLE_ARN);
      for (const key of ['RATE#cart#203.0.113.7', 'IDEMPOTENCY#payments.charge', 'EVENT#1', 'REPORT#DAILY']) {
        for (const action of ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem']) {
          const request = { action, resource: PLATFORM_TABLE_ARN, leadingKeys: [key] };
          expect(allows(statements, request), `${route.method} ${route.path} ${action} ${key}`).toBe(false);
        }
      }
    }
  });

  it('name only purposes and modes that exist', () => {
    for (const spec of specs) {
      for (const [purpose, modes] of Object.entries(spec.bindings.platform ?? {})) {
        const known = Object.keys(platformPurposes[purpose as keyof typeof platformPurposes] ?? {});
        expect(known.length, `${spec.handler}: ${purpose}`).toBeGreaterThan(0);
        for (const mode of modes as string[]) expect(known, `${spec.handler}: ${purpose}`).toContain(mode);
      }
    }
  });
});
