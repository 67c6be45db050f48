import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishPendingAlerts } from '../../../functions/platform/suspicious-activity';
import { type AuditLog, auditLog } from '../../../functions/shared/audit';
import { tableName } from '../../../functions/shared/config';
import type { DomainEvent } from '../../../functions/shared/events';
import { pendingAlerts, type SecurityAlerts, securityAlerts } from '../../../functions/shared/security-alerts';
import { detections, EPISODE_SECONDS } from '../../../lib/spec/security-alerts';
import { type LocalTables, startLocalDynamo } from '../support/dynamo-local';

// The real audit log and alerts against DynamoDB Local: the atomic ADD and the conditional writes are DynamoDB's.
let local: LocalTables;
let audit: AuditLog;

beforeAll(async () => {
  local = await startLocalDynamo();
  audit = auditLog(local.client);
}, 60_000);

afterAll(async () => {
  await local?.stop();
});

let ipCounter = 0;
const freshIp = () => `198.51.100.${++ipCounter}`;

/** The alerts, and what the scheduled publisher would put on the bus from what they left pending. */
const withBus = () => {
  const alerts = securityAlerts(local.client);
  const published: DomainEvent[] = [];
  const publishPending = async (fail = false) =>
    publishPendingAlerts({
      alerts: pendingAlerts(local.client),
      publish: async (...events) => {
        if (fail) throw new Error('bus unreachable');
        published.push(...events);
      },
    });
  return { alerts, published, publishPending };
};

describe('audit tallies', () => {
  const minute = new Date('2026-03-01T12:00:10.000Z');

  it('count concurrent refusals of one type, IP and minute into one record, listed with the count in its detail', async () => {
    const ip = freshIp();
    const input = {
      type: 'auth.token_rejected' as const,
      ip,
      userAgent: 'spray/1.0',
      detail: { reason: 'ERR_JWS_INVALID', method: 'GET', route: '/api/v1/users/profile' },
      requestId: 'req-1',
    };
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => audit.tally(input, new Date(minute.getTime() + i * 100))),
    );
    // Every request saw its own count: the ADD is atomic.
    expect(results.map((r) => r.count).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(new Set(results.map((r) => r.id)).size).toBe(1);
    const { items } = await audit.list({ type: 'auth.token_rejected', limit: 100 });
    const mine = items.filter((item) => item.ip === ip);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({
      type: 'auth.token_rejected',
      outcome: 'failure',
      userAgent: 'spray/1.0',
      detail: { reason: 'ERR_JWS_INVALID', route: '/api/v1/users/profile', count: 50 },
    });
    expect(mine[0]?.time.slice(0, 16)).toBe('2026-03-01T12:00');
  });

  it('start a new record in the next minute, for another IP and for another type', async () => {
    const ip = freshIp();
    const base = { ip, userAgent: 'x', detail: { method: 'GET', route: '/r' } };
    await audit.tally({ type: 'auth.token_missing', ...base }, minute);
    await audit.tally({ type: 'auth.token_missing', ...base }, new Date(minute.getTime() + 60_000));
    await audit.tally({ type: 'auth.token_missing', ...base, ip: freshIp() }, minute);
    await audit.tally({ type: 'access.refused', ...base, actor: 'usr_probe' }, minute);
    const missing = (await audit.list({ type: 'auth.token_missing', limit: 100 })).items.filter((i) => i.ip === ip);
    expect(missing.map((item) => item.detail?.count)).toEqual([1, 1]);
    const byActor = await audit.list({ actor: 'usr_probe', limit: 10 });
    expect(byActor.items).toEqual([expect.objectContaining({ type: 'access.refused', ip, actor: 'usr_probe' })]);
  });

  it('keep every other record as written (no count in its detail)', async () => {
    const record = await audit.record({ type: 'api.server_error', ip: freshIp(), userAgent: 'x', outcome: 'failure' });
    const { items } = await audit.list({ type: 'api.server_error', limit: 10 });
    expect(items.find((item) => item.id === record.id)).toEqual(record);
  });

  it('recordOnce writes a record under its id once', async () => {
    const input = {
      type: 'security.suspicious_activity' as const,
      ip: freshIp(),
      userAgent: '',
      outcome: 'failure' as const,
    };
    expect(await audit.recordOnce('evt-1', input)).toBe(true);
    expect(await audit.recordOnce('evt-1', input)).toBe(false);
  });
});

describe('security alerts at a threshold', () => {
  const { threshold } = detections.refusals;

  it('leave one alert pending when the count reaches the threshold, none below or above it', async () => {
    const { alerts, published, publishPending } = withBus();
    const suspect = { ip: freshIp(), userAgent: 'probe/1.0', correlationId: 'corr-1' };
    const raised = await Promise.all(
      Array.from({ length: threshold * 3 }, (_, i) => alerts.counted('refusals', i + 1, suspect)),
    );
    expect(raised.filter(Boolean)).toHaveLength(1);
    expect(published).toEqual([]);
    expect(await publishPending()).toBe(1);
    expect(published).toEqual([
      {
        context: 'security',
        detailType: 'SuspiciousActivityDetected',
        version: 1,
        correlationId: 'corr-1',
        data: expect.objectContaining({ kind: 'refusals', ip: suspect.ip, count: threshold, windowSeconds: 60 }),
      },
    ]);
    // Published once: the next run finds nothing pending.
    expect(await publishPending()).toBe(0);
  });

  it('stay quiet for the rest of the episode (another window reaching it again), and alert again after it', async () => {
    const { alerts, published, publishPending } = withBus();
    const suspect = { ip: freshIp(), correlationId: 'corr-2' };
    const now = new Date();
    expect(await alerts.counted('refusals', threshold, suspect, now)).toBe(true);
    await publishPending();
    const nextMinute = new Date(now.getTime() + 60_000);
    expect(await alerts.counted('refusals', threshold, suspect, nextMinute)).toBe(false);
    // The same IP on another kind is another episode.
    expect(await alerts.counted('rejected_tokens', detections.rejected_tokens.threshold, suspect, now)).toBe(true);
    const later = new Date(now.getTime() + (EPISODE_SECONDS + 1) * 1000);
    expect(await alerts.counted('refusals', threshold, suspect, later)).toBe(true);
    await publishPending();
    expect(published.map((e) => e.data.kind).sort()).toEqual(['refusals', 'refusals', 'rejected_tokens']);
  });

  it('key failed sign-ins by account, not by IP', async () => {
    const { alerts, published, publishPending } = withBus();
    const limit = detections.login_failures.threshold;
    const email = `ann-${freshIp()}@example.com`;
    expect(await alerts.counted('login_failures', limit, { ip: freshIp(), email, correlationId: 'c' })).toBe(true);
    expect(await alerts.counted('login_failures', limit, { ip: freshIp(), email, correlationId: 'c' })).toBe(false);
    await publishPending();
    expect(published).toHaveLength(1);
    expect(published[0]?.data).toMatchObject({ kind: 'login_failures', email, windowSeconds: 900 });
  });

  it('keep an alert the bus refused pending, for the next run, and publish it then', async () => {
    const { alerts, published, publishPending } = withBus();
    const suspect = { ip: freshIp(), correlationId: 'corr-3' };
    expect(await alerts.counted('refusals', threshold, suspect)).toBe(true);
    await expect(publishPending(true)).rejects.toThrow('bus unreachable');
    expect(published).toEqual([]);
    expect(await publishPending()).toBe(1);
    expect(published[0]?.data).toMatchObject({ ip: suspect.ip });
  });

  it('publish each pending alert once when runs overlap', async () => {
    const { alerts, published, publishPending } = withBus();
    for (let i = 0; i < 5; i++) await alerts.counted('refusals', threshold, { ip: freshIp(), correlationId: 'c' });
    const counts = await Promise.all([publishPending(), publishPending(), publishPending()]);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(5);
    expect(new Set(published.map((e) => e.data.ip)).size).toBe(5);
  });
});

describe('security alerts on admin sign-ins', () => {
  const signIn = (alerts: SecurityAlerts, userId: string, ip: string) =>
    alerts.adminSignedIn({ userId, ip, email: 'ops@example.com', correlationId: 'corr' });

  it("take an admin's first sign-in as the baseline, then alert once per IP new for them, however many race", async () => {
    const { alerts, published, publishPending } = withBus();
    const userId = `usr_${freshIp()}`;
    const home = freshIp();
    expect(await signIn(alerts, userId, home)).toBe(false);
    expect(await signIn(alerts, userId, home)).toBe(false);
    const away = freshIp();
    const raced = await Promise.all(Array.from({ length: 8 }, () => signIn(alerts, userId, away)));
    expect(raced.filter(Boolean)).toHaveLength(1);
    expect(await signIn(alerts, userId, away)).toBe(false);
    // Another admin's IPs are theirs: the same IP is new (and first) for them.
    expect(await signIn(alerts, `usr_other-${userId}`, away)).toBe(false);
    await publishPending();
    expect(published).toHaveLength(1);
    expect(published[0]?.data).toMatchObject({ kind: 'admin_new_ip', userId, ip: away, count: 1, windowSeconds: 0 });
    const { Item } = await local.client.send(
      new GetCommand({ TableName: tableName('platform'), Key: { pk: `ADMIN_IPS#${userId}`, sk: 'ADMIN_IPS' } }),
    );
    expect(Item?.ips).toEqual(new Set([home, away]));
  });
});
