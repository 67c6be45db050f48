import { beforeAll, describe, expect, it } from 'vitest';
import type { AuditRecord as AuditItem } from '../../functions/shared/audit';
import { call, type ErrorBody, login, loginAdmin, newIp, registerCustomer, type SignedIn } from './http';
import { has } from './target';

interface Page {
  items: AuditItem[];
  nextCursor: string | null;
}

let admin: string;
let shopper: SignedIn;
const ip = newIp();
beforeAll(async () => {
  admin = await loginAdmin();
  shopper = await registerCustomer();
  await login(shopper.email, 'wrong-password');
  await call('/api/v1/auth/login', {
    method: 'POST',
    ip,
    headers: { 'User-Agent': 'audit-test/1.0' },
    json: { email: shopper.email, password: shopper.password },
  });
});

const audit = (query: string, token = admin) => call<Page>(`/api/v1/admin/audit${query}`, { token });

describe('GET /api/v1/admin/audit', () => {
  it("lists a user's auth events newest first, with actor, IP, user agent, time and outcome", async () => {
    const { status, body } = await audit(`?actor=${shopper.user.id}`);
    expect(status).toBe(200);
    expect(body.items.map((item) => item.type)).toEqual(['auth.login', 'auth.login_failed', 'auth.register']);
    expect(body.items.map((item) => item.outcome)).toEqual(['success', 'failure', 'success']);
    expect(body.items[0]).toMatchObject({ actor: shopper.user.id, userAgent: 'audit-test/1.0' });
    // The IP the gateway saw: the one the test presented where it trusts X-Forwarded-For.
    expect(body.items[0]?.ip).toEqual(has('forwardedFor') ? ip : expect.any(String));
    const times = body.items.map((item) => item.time);
    expect(times).toEqual([...times].sort().reverse());
  });

  it('filters by type and time, and pages with a cursor', async () => {
    const { body } = await audit(`?actor=${shopper.user.id}&type=auth.login_failed`);
    expect(body.items).toHaveLength(1);
    expect(body.items[0]?.detail).toMatchObject({ reason: 'wrong_password' });
    const registered = (await audit(`?actor=${shopper.user.id}&type=auth.register`)).body.items[0] as AuditItem;
    const after = await audit(`?actor=${shopper.user.id}&from=${encodeURIComponent(registered.time)}`);
    expect(after.body.items.length).toBe(3);
    const before = await audit(`?actor=${shopper.user.id}&to=${encodeURIComponent(registered.time)}`);
    expect(before.body.items.map((item) => item.type)).toEqual(['auth.register']);
    const first = await audit(`?actor=${shopper.user.id}&limit=2`);
    expect(first.body.items).toHaveLength(2);
    expect(first.body.nextCursor).not.toBeNull();
    const second = await audit(`?actor=${shopper.user.id}&limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body.items.map((item) => item.type)).toEqual(['auth.register']);
    expect(second.body.nextCursor).toBeNull();
  });

  it('records every admin call, its own listing included', async () => {
    const { body: me } = await call<{ id: string }>('/api/v1/users/profile', { token: admin });
    await audit('?limit=1');
    const { body } = await audit(`?actor=${me.id}&type=admin.operation&limit=5`);
    expect(body.items[0]).toMatchObject({
      type: 'admin.operation',
      outcome: 'success',
      detail: { method: 'GET', route: '/api/v1/admin/audit', status: 200 },
    });
  });

  it.each([
    ['?type=auth.unknown', 'type'],
    ['?from=yesterday', 'from'],
    ['?limit=0', 'limit'],
    ['?limit=101', 'limit'],
    ['?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z', 'from'],
  ])('refuses %s with 400', async (query, field) => {
    const reply = await call<ErrorBody>(`/api/v1/admin/audit${query}`, { token: admin });
    expect(reply.status).toBe(400);
    expect(reply.body.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ path: field })]));
  });

  it('is for admins only', async () => {
    expect((await audit('', shopper.token)).status).toBe(403);
  });
});
