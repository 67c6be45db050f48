import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { beforeAll, expect, it } from 'vitest';
import type { AuditRecord as AuditItem } from '../../functions/shared/audit';
import { loginFailureLimits } from '../../lib/spec/rate-limits';
import { detections } from '../../lib/spec/security-alerts';
import {
  addToCart,
  busSettled,
  eventually,
  journalEvents,
  type OrderView,
  placeOrder,
  settled,
  sleep,
} from './fixtures';
import {
  awsClientConfig,
  call,
  type ErrorBody,
  loginAdmin,
  type Mail,
  mailTo,
  newIp,
  registerCustomer,
  type SignedIn,
} from './http';
import { functionEnvironment, needs, tableName, target } from './target';

const ROOT = path.resolve(import.meta.dirname, '../..');
const dynamo = DynamoDBDocumentClient.from(new DynamoDBClient(awsClientConfig()));

let admin: string;
let a: SignedIn;
let b: SignedIn;
let bOrder: OrderView;
beforeAll(async () => {
  admin = await loginAdmin();
  [a, b] = await Promise.all([registerCustomer(), registerCustomer()]);
  await addToCart(b.user.id, b.token, 'prod-mouse-001', 1);
  bOrder = await settled((await placeOrder(b.token)).body.id, b.token);
}, 60_000);

/** The audit records of a type from one client IP (the filter the admin page uses, then the IP). */
const auditFrom = async (type: string, ip: string): Promise<AuditItem[]> => {
  const { status, body } = await call<{ items: AuditItem[] }>(`/api/v1/admin/audit?type=${type}&limit=100`, {
    token: admin,
  });
  expect(status).toBe(200);
  return body.items.filter((item) => item.ip === ip);
};

const adminMail = async (subject: string) => (await mailTo(target.adminEmail)).filter((m) => m.Subject === subject);

/** The SuspiciousActivityDetected events on the bus (the journal keeps each one) that match `detail`. */
const alertsOnBus = async (detail: { kind: string; ip?: string; email?: string; userId?: string }) => {
  const events = await journalEvents<{ detail: Record<string, unknown> }>(dynamo, {
    expression: 'detailType = :type',
    values: { ':type': 'SuspiciousActivityDetected' },
  });
  return events.filter((event) => Object.entries(detail).every(([key, value]) => event.detail[key] === value));
};

/**
 * One episode, seen from everywhere it should show: exactly one event on the bus, one mail to the admin address
 * with `subject`, and one `security.suspicious_activity` record in the audit log (filtered by that type).
 */
const expectOneAlert = async (
  detail: { kind: string; ip?: string; email?: string; userId?: string },
  subject: string,
  auditIp: string,
) => {
  await eventually(async () => (await adminMail(subject)).length > 0);
  await eventually(async () => (await auditFrom('security.suspicious_activity', auditIp)).length > 0);
  // Whatever was still on its way has arrived: a second alert, left pending, would have been published by the
  // next run of the scheduled publisher (every 2 s in the tests) and delivered once the bus settles.
  await sleep(2500);
  await busSettled();
  expect(await alertsOnBus(detail)).toHaveLength(1);
  const mails = await adminMail(subject);
  expect(mails).toHaveLength(1);
  expect(mails[0]?.Destination.ToAddresses).toEqual([target.adminEmail]);
  const records = (await auditFrom('security.suspicious_activity', auditIp)).filter(
    (record) => record.detail?.kind === detail.kind,
  );
  expect(records).toHaveLength(1);
  return { mail: mails[0] as Mail, record: records[0] as AuditItem };
};

/** Waits for a fresh minute if this one ends within `seconds`: a burst must land in one per-minute tally. */
const withinOneMinute = async (seconds = 20) => {
  const intoMinute = Date.now() % 60_000;
  if (60_000 - intoMinute < seconds * 1000) await sleep(60_000 - intoMinute + 100);
};

// Refusals are tallied per client IP and minute, alerts raised per IP: each test is a client of its own.
needs('forwardedFor').describe('the audit trail of refused requests', () => {
  it('records a request without a token on a protected route, with its IP and user agent', async () => {
    const ip = newIp();
    const reply = await call('/api/v1/users/profile', { ip, headers: { 'User-Agent': 'no-token-probe/1.0' } });
    expect(reply.status).toBe(401);
    const records = await eventually(async () => {
      const found = await auditFrom('auth.token_missing', ip);
      return found.length > 0 && found;
    });
    expect(records).toEqual([
      expect.objectContaining({
        type: 'auth.token_missing',
        outcome: 'failure',
        userAgent: 'no-token-probe/1.0',
        detail: expect.objectContaining({
          reason: 'NO_TOKEN',
          method: 'GET',
          route: '/api/v1/users/profile',
          count: 1,
        }),
      }),
    ]);
    expect(records[0]?.actor).toBeUndefined();
  });

  it("records a user reading another user's order (a 404 to them) and another user's cart (a 403)", async () => {
    const ip = newIp();
    const headers = { 'User-Agent': 'curious/2.0' };
    const order = await call<ErrorBody>(`/api/v1/orders/${bOrder.id}`, { token: a.token, ip, headers });
    expect(order.status).toBe(404);
    expect(order.body.error.code).toBe('ORDER_NOT_FOUND');
    const otherIp = newIp();
    const cart = await call(`/api/v1/cart/${b.user.id}`, { token: a.token, ip: otherIp, headers });
    expect(cart.status).toBe(403);
    const [orderRecord] = await auditFrom('access.refused', ip);
    expect(orderRecord).toMatchObject({
      actor: a.user.id,
      userAgent: 'curious/2.0',
      detail: {
        method: 'GET',
        route: '/api/v1/orders/{id}',
        path: `/api/v1/orders/${bOrder.id}`,
        status: 404,
        count: 1,
      },
    });
    const [cartRecord] = await auditFrom('access.refused', otherIp);
    expect(cartRecord).toMatchObject({ actor: a.user.id, detail: { route: '/api/v1/cart/{userId}', status: 403 } });
    // Their own order is no refusal.
    const mineIp = newIp();
    expect((await call(`/api/v1/orders/${bOrder.id}`, { token: b.token, ip: mineIp })).status).toBe(200);
    expect(await auditFrom('access.refused', mineIp)).toEqual([]);
  });

  // Alerts go out with the scheduled publisher (every minute in AWS).
  needs('mail', 'fastSchedules').it(
    'keeps a spray of 50 bad tokens from one IP as one record counting 50, and alerts the admin once',
    async () => {
      const ip = newIp();
      await withinOneMinute();
      const replies = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          call('/api/v1/users/profile', { ip, token: `forged.token.${i}`, headers: { 'User-Agent': 'sprayer/0.1' } }),
        ),
      );
      expect(replies.map((reply) => reply.status)).toEqual(Array(50).fill(401));
      const records = await auditFrom('auth.token_rejected', ip);
      expect(records).toHaveLength(1);
      expect(records[0]).toMatchObject({ userAgent: 'sprayer/0.1', outcome: 'failure', detail: { count: 50 } });

      const { threshold } = detections.rejected_tokens;
      const { mail, record } = await expectOneAlert(
        { kind: 'rejected_tokens', ip },
        `Suspicious activity: ${threshold} rejected session tokens from ${ip}`,
        ip,
      );
      expect(mail.Body.text_part).toContain('User agent: sprayer/0.1');
      expect(record).toMatchObject({ userAgent: 'sprayer/0.1', detail: { kind: 'rejected_tokens', count: threshold } });
    },
  );
});

needs('forwardedFor', 'mail', 'fastSchedules').describe(
  'suspicious activity: one SuspiciousActivityDetected, one mail, one audit record per episode',
  () => {
    it("many refusals from one IP: a user probing another's orders", async () => {
      const ip = newIp();
      const { threshold } = detections.refusals;
      await withinOneMinute();
      const replies = await Promise.all(
        Array.from({ length: threshold + 5 }, () => call(`/api/v1/orders/${bOrder.id}`, { token: a.token, ip })),
      );
      expect(new Set(replies.map((reply) => reply.status))).toEqual(new Set([404]));
      const { record } = await expectOneAlert(
        { kind: 'refusals', ip },
        `Suspicious activity: ${threshold} refused requests from ${ip}`,
        ip,
      );
      expect(record).toMatchObject({
        actor: a.user.id,
        detail: { kind: 'refusals', count: threshold, windowSeconds: 60 },
      });
      expect((await auditFrom('access.refused', ip))[0]?.detail).toMatchObject({ count: threshold + 5 });
    });

    it('many failed sign-ins on one account, from many IPs at once', async () => {
      const victim = await registerCustomer();
      const limit = loginFailureLimits.perAccount.limit;
      const replies = await Promise.all(
        Array.from({ length: limit + 4 }, (_, i) =>
          call('/api/v1/auth/login', { method: 'POST', json: { email: victim.email, password: `guess-${i}` } }),
        ),
      );
      expect(replies.filter((reply) => reply.status === 401)).toHaveLength(limit);
      const events = await eventually(async () => {
        const found = await alertsOnBus({ kind: 'login_failures', email: victim.email });
        return found.length > 0 && found;
      });
      const ip = String(events[0]?.detail.ip);
      const { record } = await expectOneAlert(
        { kind: 'login_failures', email: victim.email },
        `Suspicious activity: ${limit} failed sign-ins on ${victim.email}`,
        ip,
      );
      expect(record).toMatchObject({
        actor: victim.user.id,
        detail: { kind: 'login_failures', email: victim.email, count: limit, windowSeconds: 900 },
      });
    });

    it('an admin signing in from an IP not seen before for them (their first sign-in sets the baseline)', async () => {
      const ops = await registerCustomer();
      await promisify(execFile)(
        process.execPath,
        ['--import', 'tsx', 'bin/create-admin.ts', '--email', ops.email, '--table', tableName('users')],
        { cwd: ROOT, env: { ...process.env, ...functionEnvironment() } },
      );
      const office = newIp();
      const signIn = (ip: string) =>
        call<{ user: { role: string } }>('/api/v1/auth/login', {
          method: 'POST',
          ip,
          headers: { 'User-Agent': 'ops-laptop/1.0' },
          json: { email: ops.email, password: ops.password },
        });
      expect((await signIn(office)).body.user.role).toBe('admin');
      expect((await signIn(office)).status).toBe(200);
      const elsewhere = newIp();
      const replies = await Promise.all(Array.from({ length: 4 }, () => signIn(elsewhere)));
      expect(replies.map((reply) => reply.status)).toEqual([200, 200, 200, 200]);
      expect((await signIn(office)).status).toBe(200);

      const { record } = await expectOneAlert(
        { kind: 'admin_new_ip', userId: ops.user.id },
        `Suspicious activity: admin ${ops.email} signed in from a new IP, ${elsewhere}`,
        elsewhere,
      );
      expect(record).toMatchObject({
        actor: ops.user.id,
        userAgent: 'ops-laptop/1.0',
        detail: { kind: 'admin_new_ip' },
      });
      // The baseline raised nothing.
      expect(await auditFrom('security.suspicious_activity', office)).toEqual([]);
    });

    it('are listed by the audit API under their own type, and only there', async () => {
      const { body } = await call<{ items: AuditItem[] }>(
        '/api/v1/admin/audit?type=security.suspicious_activity&limit=100',
        {
          token: admin,
        },
      );
      expect(body.items.length).toBeGreaterThan(0);
      expect(new Set(body.items.map((item) => item.type))).toEqual(new Set(['security.suspicious_activity']));
      const kinds = new Set(body.items.map((item) => item.detail?.kind));
      for (const kind of ['rejected_tokens', 'refusals', 'login_failures', 'admin_new_ip'])
        expect(kinds).toContain(kind);
    });
  },
);
