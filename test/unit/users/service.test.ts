import { randomUUID } from 'node:crypto';
import { decodeJwt, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { RateLimitedError, ValidationError } from '../../../functions/shared/errors';
import type { DomainEvent } from '../../../functions/shared/events';
import { keysFromSecret } from '../../../functions/shared/signing-key';
import { parse } from '../../../functions/shared/validation';
import {
  EmailTakenError,
  InvalidCredentialsError,
  InvalidTokenError,
  UserNotFoundError,
  WrongPasswordError,
} from '../../../functions/users/errors';
import { hashPassword, verifyPassword } from '../../../functions/users/passwords';
import { RegisterBody } from '../../../functions/users/schemas';
import {
  authorize,
  type CallContext,
  changePassword,
  getProfile,
  login,
  logout,
  register,
  type UsersDeps,
  updateProfile,
} from '../../../functions/users/service';
import { issueToken, verifySession } from '../../../functions/users/sessions';
import type { UserRecord } from '../../../functions/users/store';
import { loginFailureLimits } from '../../../lib/spec/rate-limits';
import { LocalSecretsManager } from '../../../local/secrets-manager';
import { serveOverHttp } from '../support/serve-aws-service';
import { memoryAuditLog, memoryRateLimiter, memoryUsersStore, recordingAlerts } from './fakes';

// bcrypt runs at the production cost (the service takes no cost parameter, ~0.3 s a hash here), so the
// tests share one hash of PASSWORD and each makes at most three bcrypt calls.
const PASSWORD = 'customer123';
let passwordHash: string;
// Room for a few bcrypt calls on a busy machine (the unit project runs files in parallel).
const BCRYPT_TIMEOUT = 15_000;

// Tokens are signed with the key from Secrets Manager: the sandbox's emulation of it, over HTTP.
const SECRET = {
  name: 'shop/jwt-signing-key',
  arn: 'arn:aws:secretsmanager:us-east-1:000000000000:secret:k',
  value: 'k'.repeat(48),
};
let secrets: Awaited<ReturnType<typeof serveOverHttp>>;

beforeAll(async () => {
  secrets = await serveOverHttp(new LocalSecretsManager([SECRET]));
  vi.stubEnv('AWS_ENDPOINT_URL_SECRETS_MANAGER', secrets.endpoint);
  vi.stubEnv('SIGNING_KEY_SECRET_ARN', SECRET.arn);
  vi.stubEnv('AWS_REGION', 'us-east-1');
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'test');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'test');
  vi.stubEnv('RATE_LIMITS', 'on');
  passwordHash = await hashPassword(PASSWORD);
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await secrets?.close();
});

const NOW = new Date('2026-03-01T12:00:00.000Z');
const call: CallContext = { ip: '203.0.113.7', userAgent: 'vitest', requestId: 'req-1', correlationId: 'corr-1' };

const ann = (overrides: Partial<UserRecord> = {}): UserRecord => ({
  id: 'usr_ann',
  email: 'ann@example.com',
  first_name: 'Ann',
  last_name: 'Lee',
  role: 'customer',
  passwordHash,
  tokenVersion: 0,
  created_at: '2026-01-01T00:00:00.000Z',
  updated_at: '2026-01-01T00:00:00.000Z',
  ...overrides,
});

const setup = ({ users = [ann()], counts = new Map<string, number>() } = {}) => {
  const store = memoryUsersStore(users);
  const audit = memoryAuditLog();
  const limiter = memoryRateLimiter(counts);
  const alerts = recordingAlerts();
  const published: DomainEvent[] = [];
  const deps: UsersDeps = {
    users: store.store,
    audit: audit.log,
    limiter: limiter.limiter,
    alerts: alerts.alerts,
    publish: async (...events) => {
      published.push(...events);
    },
    now: () => NOW,
  };
  return { deps, store, audit: audit.records, counts: limiter.counts, published, alerts };
};

const accountKey = (email: string) => `login-failure#account#${email}`;
const ipKey = `login-failure#ip#${call.ip}`;

describe('register', { timeout: BCRYPT_TIMEOUT }, () => {
  it('stores a customer with a bcrypt hash of the password, signs them in, audits and announces it', async () => {
    const { deps, store, audit, published } = setup({ users: [] });
    const body = parse(
      RegisterBody,
      { email: ' New@Example.com ', password: 'a long passphrase', first_name: 'New', last_name: 'User' },
      'body',
    );
    const session = await register(deps, body, call);

    expect(session.user).toEqual({
      id: expect.stringMatching(/^usr_[0-9a-f-]{36}$/),
      email: 'new@example.com',
      first_name: 'New',
      last_name: 'User',
      role: 'customer',
      created_at: NOW.toISOString(),
      updated_at: NOW.toISOString(),
    });
    const stored = store.users.get(session.user.id);
    expect(stored?.tokenVersion).toBe(0);
    expect(stored?.passwordHash).toMatch(/^\$2[aby]\$12\$/);
    expect(await verifyPassword('a long passphrase', stored?.passwordHash ?? '')).toBe(true);
    expect(decodeJwt(session.token)).toMatchObject({ sub: session.user.id, role: 'customer', ver: 0 });
    expect(audit).toEqual([
      expect.objectContaining({ type: 'auth.register', outcome: 'success', actor: session.user.id, ip: call.ip }),
    ]);
    expect(published).toEqual([
      expect.objectContaining({
        context: 'users',
        detailType: 'UserRegistered',
        correlationId: call.correlationId,
        data: { userId: session.user.id, email: 'new@example.com', firstName: 'New', lastName: 'User' },
      }),
    ]);
  });

  it('refuses an email already registered, whatever its case, and records nothing', async () => {
    const { deps, store, audit, published } = setup();
    const body = parse(
      RegisterBody,
      { email: 'ANN@example.com', password: 'another password', first_name: 'Ann', last_name: 'Two' },
      'body',
    );
    await expect(register(deps, body, call)).rejects.toBeInstanceOf(EmailTakenError);
    expect([...store.users.keys()]).toEqual(['usr_ann']);
    expect(audit).toEqual([]);
    expect(published).toEqual([]);
  });

  it('keeps the account when the welcome event cannot be published', async () => {
    const { deps, store } = setup({ users: [] });
    deps.publish = async () => {
      throw new Error('bus down');
    };
    const body = { email: 'late@example.com', password: 'a long passphrase', first_name: 'L', last_name: 'E' };
    const session = await register(deps, body, call);
    expect(store.users.has(session.user.id)).toBe(true);
  });
});

describe('login', { timeout: BCRYPT_TIMEOUT }, () => {
  it('signs in with the right password, audits it and counts nothing', async () => {
    const { deps, audit, counts } = setup();
    const session = await login(deps, { email: 'ann@example.com', password: PASSWORD }, call);
    expect(session.user.id).toBe('usr_ann');
    expect(session.claims).toMatchObject({ userId: 'usr_ann', role: 'customer', tokenVersion: 0 });
    expect(audit).toEqual([expect.objectContaining({ type: 'auth.login', outcome: 'success', actor: 'usr_ann' })]);
    expect(counts.size).toBe(0);
  });

  it('refuses a wrong password, counting it against the account and the IP, and audits the reason', async () => {
    const { deps, audit, counts } = setup();
    await expect(login(deps, { email: 'ann@example.com', password: 'customer124' }, call)).rejects.toBeInstanceOf(
      InvalidCredentialsError,
    );
    expect(Object.fromEntries(counts)).toEqual({ [accountKey('ann@example.com')]: 1, [ipKey]: 1 });
    expect(audit).toEqual([
      expect.objectContaining({
        type: 'auth.login_failed',
        outcome: 'failure',
        actor: 'usr_ann',
        detail: { email: 'ann@example.com', reason: 'wrong_password' },
      }),
    ]);
  });

  it('answers an unknown email as a wrong password, with no actor in the audit', async () => {
    const { deps, audit, counts } = setup();
    await expect(login(deps, { email: 'nobody@example.com', password: PASSWORD }, call)).rejects.toBeInstanceOf(
      InvalidCredentialsError,
    );
    expect(counts.get(accountKey('nobody@example.com'))).toBe(1);
    expect(audit).toHaveLength(1);
    expect(audit[0]?.actor).toBeUndefined();
    expect(audit[0]?.detail).toEqual({ email: 'nobody@example.com', reason: 'unknown_email' });
  });

  it('locks the account after its limit of failures: then even the right password is refused with 429', async () => {
    const limit = loginFailureLimits.perAccount.limit;
    const { deps, audit, counts, alerts } = setup({
      counts: new Map([[accountKey('ann@example.com'), limit - 1]]),
    });
    // The last failure the window tolerates is still answered as a wrong password...
    await expect(login(deps, { email: 'ann@example.com', password: 'wrong one' }, call)).rejects.toBeInstanceOf(
      InvalidCredentialsError,
    );
    expect(counts.get(accountKey('ann@example.com'))).toBe(limit);
    // ...and is the one that reports the account's failures to the detector, with the count it reached.
    expect(alerts.counted).toEqual([
      {
        kind: 'login_failures',
        count: limit,
        suspect: {
          ip: call.ip,
          userAgent: 'vitest',
          correlationId: 'corr-1',
          email: 'ann@example.com',
          userId: 'usr_ann',
        },
      },
    ]);
    // ...and after it, the right password no longer signs in.
    const error = await login(deps, { email: 'ann@example.com', password: PASSWORD }, call).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect(error).toMatchObject({ status: 429, code: 'TOO_MANY_LOGIN_ATTEMPTS' });
    expect(audit.at(-1)).toMatchObject({ type: 'auth.login_failed', detail: { reason: 'throttled' } });
    // A refused attempt is not a failure: the counter stays where it was.
    expect(counts.get(accountKey('ann@example.com'))).toBe(limit);
  });

  it('checks at most the limit of wrong passwords however many arrive at once; the rest are refused with 429', async () => {
    const limit = loginFailureLimits.perAccount.limit;
    const { deps, counts } = setup();
    const attempts = Array.from({ length: 12 }, (_, i) =>
      login(deps, { email: 'ann@example.com', password: `wrong-${i}` }, { ...call, ip: `198.51.100.${i + 1}` }).catch(
        (e: unknown) => e,
      ),
    );
    const outcomes = await Promise.all(attempts);
    expect(outcomes.filter((e) => e instanceof InvalidCredentialsError)).toHaveLength(limit);
    expect(outcomes.filter((e) => e instanceof RateLimitedError)).toHaveLength(12 - limit);
    expect(counts.get(accountKey('ann@example.com'))).toBe(limit);
    // The per-IP slots the refused attempts took were given back.
    const perIp = [...counts].filter(([key]) => key.startsWith('login-failure#ip#'));
    expect(perIp.map(([, count]) => count)).toEqual(Array(limit).fill(1));
  });

  it('reports each counted failure to the detector (it alerts at the threshold), and throttled attempts not at all', async () => {
    const limit = loginFailureLimits.perAccount.limit;
    const { deps, alerts } = setup();
    for (let i = 0; i < limit + 2; i++) {
      await login(deps, { email: 'ann@example.com', password: `wrong-${i}` }, call).catch(() => undefined);
    }
    expect(alerts.counted.map((c) => [c.kind, c.count])).toEqual(
      Array.from({ length: limit }, (_, i) => ['login_failures', i + 1]),
    );
  });

  it("tells the detector of an admin's sign-in (it alerts on an IP new for them), not a customer's", async () => {
    const { deps, alerts } = setup({
      users: [ann(), ann({ id: 'usr_boss', email: 'boss@example.com', role: 'admin' })],
    });
    await login(deps, { email: 'ann@example.com', password: PASSWORD }, call);
    await login(deps, { email: 'boss@example.com', password: PASSWORD }, call);
    expect(alerts.adminSignIns).toEqual([
      { ip: call.ip, userAgent: 'vitest', correlationId: 'corr-1', userId: 'usr_boss', email: 'boss@example.com' },
    ]);
  });

  it('lets the right password in under the limit and gives its attempt back, keeping the earlier failures', async () => {
    const limit = loginFailureLimits.perAccount.limit;
    const { deps, counts } = setup({ counts: new Map([[accountKey('ann@example.com'), limit - 1]]) });
    const session = await login(deps, { email: 'ann@example.com', password: PASSWORD }, call);
    expect(session.user.id).toBe('usr_ann');
    expect(counts.get(accountKey('ann@example.com'))).toBe(limit - 1);
    expect(counts.has(ipKey)).toBe(false);
  });

  it('refuses every account from an IP past its limit of failures', async () => {
    const { deps } = setup({ counts: new Map([[ipKey, loginFailureLimits.perIp.limit]]) });
    await expect(login(deps, { email: 'ann@example.com', password: PASSWORD }, call)).rejects.toBeInstanceOf(
      RateLimitedError,
    );
    const { deps: elsewhere } = setup({ counts: new Map([[ipKey, loginFailureLimits.perIp.limit]]) });
    const session = await login(
      elsewhere,
      { email: 'ann@example.com', password: PASSWORD },
      { ...call, ip: '198.51.100.1' },
    );
    expect(session.user.id).toBe('usr_ann');
  });

  it('keeps locking an account with per-IP limits off (RATE_LIMITS=off), counting nothing against the IP', async () => {
    vi.stubEnv('RATE_LIMITS', 'off');
    try {
      const limit = loginFailureLimits.perAccount.limit;
      const { deps, counts } = setup({ counts: new Map([[ipKey, loginFailureLimits.perIp.limit]]) });
      for (let i = 0; i < limit; i++) {
        await expect(login(deps, { email: 'ann@example.com', password: 'wrong one' }, call)).rejects.toBeInstanceOf(
          InvalidCredentialsError,
        );
      }
      expect(counts.get(accountKey('ann@example.com'))).toBe(limit);
      expect(counts.get(ipKey)).toBe(loginFailureLimits.perIp.limit);
      await expect(login(deps, { email: 'ann@example.com', password: PASSWORD }, call)).rejects.toMatchObject({
        status: 429,
        code: 'TOO_MANY_LOGIN_ATTEMPTS',
      });
    } finally {
      vi.stubEnv('RATE_LIMITS', 'on');
    }
  });
});

describe('profile', () => {
  it('shows the profile without the hash or the token version', async () => {
    const { deps } = setup();
    const profile = await getProfile(deps, 'usr_ann');
    expect(Object.keys(profile).sort()).toEqual([
      'created_at',
      'email',
      'first_name',
      'id',
      'last_name',
      'role',
      'updated_at',
    ]);
    await expect(getProfile(deps, 'usr_nobody')).rejects.toBeInstanceOf(UserNotFoundError);
  });

  it('changes the given names only, stamps the change and audits which fields changed', async () => {
    const { deps, store, audit } = setup();
    const user = await updateProfile(deps, 'usr_ann', { last_name: 'Smith' }, call);
    expect(user).toMatchObject({ first_name: 'Ann', last_name: 'Smith', updated_at: NOW.toISOString() });
    expect(store.users.get('usr_ann')?.last_name).toBe('Smith');
    expect(audit).toEqual([
      expect.objectContaining({ type: 'user.profile_updated', actor: 'usr_ann', detail: { fields: 'last_name' } }),
    ]);
  });

  it('refuses to update a user that does not exist, and audits nothing', async () => {
    const { deps, audit } = setup();
    await expect(updateProfile(deps, 'usr_nobody', { first_name: 'X' }, call)).rejects.toBeInstanceOf(
      UserNotFoundError,
    );
    expect(audit).toEqual([]);
  });
});

describe('changePassword', { timeout: BCRYPT_TIMEOUT }, () => {
  it('stores the new hash and raises the token version: other sessions stop working, the new one works', async () => {
    const { deps, store, audit } = setup();
    const other = await issueToken(ann());
    expect((await verifySession(other.token, store.store)).userId).toBe('usr_ann');

    const session = await changePassword(
      deps,
      'usr_ann',
      { old_password: PASSWORD, new_password: 'a new passphrase' },
      call,
    );
    const stored = store.users.get('usr_ann');
    expect(stored?.tokenVersion).toBe(1);
    expect(await verifyPassword('a new passphrase', stored?.passwordHash ?? '')).toBe(true);
    expect(session.claims.tokenVersion).toBe(1);
    await expect(verifySession(other.token, store.store)).rejects.toMatchObject({ reason: 'ERR_TOKEN_SUPERSEDED' });
    expect((await verifySession(session.token, store.store)).tokenVersion).toBe(1);
    expect(audit).toEqual([expect.objectContaining({ type: 'auth.password_changed', outcome: 'success' })]);
  });

  it('refuses a wrong current password, changing nothing, and audits the failure', async () => {
    const { deps, store, audit } = setup();
    await expect(
      changePassword(deps, 'usr_ann', { current_password: 'not it at all', new_password: 'a new passphrase' }, call),
    ).rejects.toBeInstanceOf(WrongPasswordError);
    expect(store.users.get('usr_ann')).toMatchObject({ passwordHash, tokenVersion: 0 });
    expect(audit).toEqual([
      expect.objectContaining({
        type: 'auth.password_changed',
        outcome: 'failure',
        detail: { reason: 'wrong_password' },
      }),
    ]);
  });

  it('refuses the email address as the new password', async () => {
    const { deps, store } = setup();
    await expect(
      changePassword(deps, 'usr_ann', { old_password: PASSWORD, new_password: 'Ann@Example.com' }, call),
    ).rejects.toBeInstanceOf(ValidationError);
    expect(store.users.get('usr_ann')?.tokenVersion).toBe(0);
  });

  it('loses to a change made meanwhile: the caller is refused rather than given a session', async () => {
    const { deps, store } = setup();
    const read = deps.users.getById;
    deps.users = {
      ...deps.users,
      getById: async (id) => {
        const seen = await read(id);
        // Another session changes the password between this one's read and its write.
        const user = store.users.get(id);
        if (user) user.tokenVersion += 1;
        return seen;
      },
    };
    await expect(
      changePassword(deps, 'usr_ann', { old_password: PASSWORD, new_password: 'a new passphrase' }, call),
    ).rejects.toBeInstanceOf(WrongPasswordError);
    expect(store.users.get('usr_ann')).toMatchObject({ passwordHash, tokenVersion: 1 });
  });
});

describe('logout', () => {
  it('revokes the session it was called with, and only that one', async () => {
    const { deps, store, audit } = setup();
    const [mine, other] = await Promise.all([issueToken(ann()), issueToken(ann())]);
    await logout(deps, { userId: 'usr_ann', tokenId: mine.claims.tokenId, expiresAt: mine.claims.expiresAt }, call);
    const refused = await verifySession(mine.token, store.store).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(InvalidTokenError);
    expect(refused).toMatchObject({ reason: 'ERR_TOKEN_REVOKED' });
    expect((await verifySession(other.token, store.store)).tokenId).toBe(other.claims.tokenId);
    expect(store.revoked.get(`usr_ann#${mine.claims.tokenId}`)).toBe(mine.claims.expiresAt);
    expect(audit).toEqual([expect.objectContaining({ type: 'auth.logout', actor: 'usr_ann' })]);
  });
});

describe('token claims', () => {
  const keys = keysFromSecret(SECRET.value);
  const nowSeconds = () => Math.floor(Date.now() / 1000);
  const forge = (claims: { sub?: string; jti?: string; iat?: number; exp?: number } = {}) => {
    const iat = claims.iat ?? nowSeconds();
    return new SignJWT({ role: 'customer', ver: 0 })
      .setProtectedHeader({ alg: 'EdDSA', kid: keys.kid, typ: 'JWT' })
      .setSubject(claims.sub ?? 'usr_ann')
      .setJti(claims.jti ?? randomUUID())
      .setIssuer('shop-platform')
      .setAudience('shop-api')
      .setIssuedAt(iat)
      .setExpirationTime(claims.exp ?? iat + 600)
      .sign(keys.privateKey);
  };
  /** The store, with its session reads counted: a refused claim must never reach it. */
  const counted = () => {
    const { store } = memoryUsersStore([ann()]);
    const reads = vi.spyOn(store, 'sessionState');
    return { store, reads };
  };

  it('accepts a well-formed token signed with the key (the baseline)', async () => {
    const { store } = counted();
    expect((await verifySession(await forge(), store)).userId).toBe('usr_ann');
  });

  it.each([
    ['a 3,000-character sub', { sub: `usr_${'a'.repeat(2996)}` }, 'ERR_CLAIMS_MALFORMED'],
    ['a sub that is no user id', { sub: 'ann' }, 'ERR_CLAIMS_MALFORMED'],
    ['a 3,000-character jti', { jti: 'j'.repeat(3000) }, 'ERR_CLAIMS_MALFORMED'],
    ['an iat more than 60 s ahead', { iat: nowSeconds() + 120 }, 'ERR_ISSUED_IN_FUTURE'],
    ['a lifetime over 24 hours', { iat: nowSeconds() - 60, exp: nowSeconds() + 24 * 60 * 60 }, 'ERR_LIFETIME_TOO_LONG'],
  ])('refuses %s before any store read', async (_, claims, reason) => {
    const { store, reads } = counted();
    const error = await verifySession(await forge(claims), store).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidTokenError);
    expect(error).toMatchObject({ reason, status: 401 });
    expect(reads).not.toHaveBeenCalled();
  });

  it('tolerates an iat up to 60 s ahead (clock skew)', async () => {
    const { store } = counted();
    const iat = nowSeconds() + 30;
    expect((await verifySession(await forge({ iat, exp: iat + 600 }), store)).issuedAt).toBe(iat);
  });

  it('makes the authorizer refuse an oversized sub as an invalid token (a 401), audited', async () => {
    const { store, reads } = counted();
    const audit = memoryAuditLog();
    const error = await authorize(
      { users: store, audit: audit.log, alerts: recordingAlerts().alerts },
      {
        token: await forge({ sub: `usr_${'a'.repeat(2996)}` }),
        method: 'GET',
        resource: '/users/profile',
        ip: call.ip,
        userAgent: 'vitest',
        requestId: 'req-2',
      },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidTokenError);
    expect(reads).not.toHaveBeenCalled();
    expect(audit.records).toEqual([
      expect.objectContaining({
        type: 'auth.token_rejected',
        detail: expect.objectContaining({ reason: 'ERR_CLAIMS_MALFORMED' }),
      }),
    ]);
  });
});

describe("the authorizer's audit of refusals", () => {
  const request = (token: string | undefined, resource = '/api/v1/users/profile') => ({
    token,
    method: 'GET',
    resource,
    ip: '198.51.100.9',
    userAgent: 'spray/1.0',
    requestId: 'req-9',
  });

  it('tallies a missing token, an invalid one and a customer on an admin route, each once per IP and minute', async () => {
    const { store } = memoryUsersStore([ann()]);
    const audit = memoryAuditLog();
    const alerts = recordingAlerts();
    const deps = { users: store, audit: audit.log, alerts: alerts.alerts };
    const { token } = await issueToken(ann());
    for (let i = 0; i < 3; i++) {
      await expect(authorize(deps, request(undefined))).rejects.toMatchObject({ reason: 'NO_TOKEN' });
      await expect(authorize(deps, request('not-a-token'))).rejects.toBeInstanceOf(InvalidTokenError);
      expect((await authorize(deps, request(token, '/api/v1/admin/audit'))).allowed).toBe(false);
    }
    expect(audit.records.map((r) => [r.type, r.detail?.count, r.actor])).toEqual([
      ['auth.token_missing', 3, undefined],
      ['auth.token_rejected', 3, undefined],
      ['access.refused', 3, 'usr_ann'],
    ]);
    expect(audit.records[0]).toMatchObject({ ip: '198.51.100.9', userAgent: 'spray/1.0', outcome: 'failure' });
    expect(audit.records[2]?.detail).toMatchObject({ reason: 'ROLE_NOT_ALLOWED', route: '/api/v1/admin/audit' });
    // Every count goes to the detector: token problems as rejected tokens, the role refusal as a refusal.
    expect(alerts.counted.map((c) => `${c.kind}:${c.count}`)).toEqual([
      'rejected_tokens:1',
      'rejected_tokens:1',
      'refusals:1',
      'rejected_tokens:2',
      'rejected_tokens:2',
      'refusals:2',
      'rejected_tokens:3',
      'rejected_tokens:3',
      'refusals:3',
    ]);
  });

  it('answers as before when the audit write fails', async () => {
    const { store } = memoryUsersStore([ann()]);
    const audit = memoryAuditLog();
    audit.log.tally = async () => {
      throw new Error('table unreachable');
    };
    const deps = { users: store, audit: audit.log, alerts: recordingAlerts().alerts };
    await expect(authorize(deps, request(undefined))).rejects.toBeInstanceOf(InvalidTokenError);
  });
});
