import { randomUUID } from 'node:crypto';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AuditRecord as AuditItem } from '../../functions/shared/audit';
import { keysFromSecret } from '../../functions/shared/signing-key';
import { routes } from '../../lib/spec/routes';
import {
  awsClientConfig,
  call,
  type ErrorBody,
  login,
  loginAdmin,
  newIp,
  registerCustomer,
  type SignedIn,
} from './http';
import { has, signingKeySecretArn } from './target';

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** The stage's signing key, read from its secret (SigningKeySecretArn) as the platform derives it. */
let signingKeys: Promise<ReturnType<typeof keysFromSecret>> | undefined;
const keys = () => {
  signingKeys ??= (async () => {
    const client = new SecretsManagerClient(awsClientConfig());
    try {
      const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: signingKeySecretArn() }));
      if (!SecretString) throw new Error('The signing-key secret is empty');
      return keysFromSecret(SecretString);
    } finally {
      client.destroy();
    }
  })();
  return signingKeys;
};

interface Overrides {
  sub?: string;
  jti?: string;
  iss?: string;
  aud?: string;
  exp?: number;
  iat?: number;
}

const signed = async (user: SignedIn, overrides: Overrides = {}) => {
  const { privateKey, kid } = await keys();
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ role: 'customer', ver: 0 })
    .setProtectedHeader({ alg: 'EdDSA', kid, typ: 'JWT' })
    .setSubject(overrides.sub ?? user.user.id)
    .setJti(overrides.jti ?? randomUUID())
    .setIssuer(overrides.iss ?? 'shop-platform')
    .setAudience(overrides.aud ?? 'shop-api')
    .setIssuedAt(overrides.iat ?? now)
    .setExpirationTime(overrides.exp ?? now + 600)
    .sign(privateKey);
};

let admin: string;
let victim: SignedIn;
beforeAll(async () => {
  admin = await loginAdmin();
  victim = await registerCustomer();
});

/**
 * The audit records of a type from one client IP. Refusals are tallied per IP and minute: only where each test
 * can present an IP of its own (capability `forwardedFor`) are a test's refusals a record of their own.
 */
const rejectionsFrom = async (ip: string, type = 'auth.token_rejected') => {
  const { body } = await call<{ items: AuditItem[] }>(`/api/v1/admin/audit?type=${type}&limit=100`, {
    token: admin,
  });
  return body.items.filter((item) => item.ip === ip);
};

const nowSeconds = () => Math.floor(Date.now() / 1000);

/** Correctly signed tokens whose claims the platform never issues: refused before any store read. */
const claimCases: [string, () => Promise<string>][] = [
  ['a 3,000-character sub', () => signed(victim, { sub: `usr_${'a'.repeat(2996)}` })],
  ['a sub that is no user id', () => signed(victim, { sub: 'admin' })],
  ['a 3,000-character jti', () => signed(victim, { jti: 'j'.repeat(3000) })],
  ['an iat an hour in the future', () => signed(victim, { iat: nowSeconds() + 3600, exp: nowSeconds() + 4200 })],
  [
    'a lifetime longer than the 24 hours the platform issues',
    () => signed(victim, { iat: nowSeconds() - 60, exp: nowSeconds() + 7 * 24 * 3600 }),
  ],
];

describe('claims the platform never issues are refused as bad tokens (401, not 500)', () => {
  // As a bearer token: in the body a token over 4,096 characters is refused by the body's schema first (400).
  it.each(claimCases)('POST /auth/validate refuses %s with 401', async (_, forge) => {
    const reply = await call<ErrorBody>('/api/v1/auth/validate', { method: 'POST', token: await forge() });
    expect(reply.status).toBe(401);
    expect(reply.body.error.code).toBe('INVALID_TOKEN');
  });
});

describe('the security matrix: every forged, stale or misused token is rejected and audited', () => {
  it('accepts a correctly signed token (the baseline the other cases depart from)', async () => {
    const reply = await call('/api/v1/users/profile', { token: await signed(victim) });
    expect(reply.status).toBe(200);
  });

  const cases: [string, () => Promise<string>][] = [
    [
      'a tampered signature',
      async () => {
        const token = await signed(victim);
        const last = token.at(-2) === 'A' ? 'B' : 'A';
        return `${token.slice(0, -2)}${last}${token.at(-1)}`;
      },
    ],
    [
      'a tampered payload (role: admin) under the original signature',
      async () => {
        const [header, payload, signature] = (await signed(victim)).split('.') as [string, string, string];
        const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
        return `${header}.${b64({ ...claims, role: 'admin' })}.${signature}`;
      },
    ],
    [
      'alg: none',
      async () => {
        const [, payload] = (await signed(victim)).split('.') as [string, string];
        return `${b64({ alg: 'none', typ: 'JWT' })}.${payload}.`;
      },
    ],
    [
      'HS256 signed with the public key',
      async () => {
        const { publicKey, kid } = await keys();
        const secret = new TextEncoder().encode(publicKey.export({ format: 'pem', type: 'spki' }).toString());
        const now = Math.floor(Date.now() / 1000);
        return new SignJWT({ role: 'customer', ver: 0 })
          .setProtectedHeader({ alg: 'HS256', kid, typ: 'JWT' })
          .setSubject(victim.user.id)
          .setJti(randomUUID())
          .setIssuer('shop-platform')
          .setAudience('shop-api')
          .setIssuedAt(now)
          .setExpirationTime(now + 600)
          .sign(secret);
      },
    ],
    [
      'an expired token',
      () => signed(victim, { iat: Math.floor(Date.now() / 1000) - 7200, exp: Math.floor(Date.now() / 1000) - 3600 }),
    ],
    ['a wrong issuer', () => signed(victim, { iss: 'someone-else' })],
    ...claimCases,
    ['a wrong audience', () => signed(victim, { aud: 'another-api' })],
    [
      'a token revoked by logout',
      async () => {
        const { email, password } = await registerCustomer();
        const { token } = (await login(email, password)).body;
        expect((await call('/api/v1/auth/logout', { method: 'POST', token })).status).toBe(204);
        return token;
      },
    ],
    [
      'a token from before a password change',
      async () => {
        const user = await registerCustomer();
        const changed = await call('/api/v1/users/change-password', {
          method: 'POST',
          token: user.token,
          json: { old_password: user.password, new_password: `new-${randomUUID()}` },
        });
        expect(changed.status).toBe(200);
        return user.token;
      },
    ],
  ];

  it.each(cases)('rejects %s with 401 and audits it', async (_, forge) => {
    const token = await forge();
    const ip = newIp();
    const reply = await call<ErrorBody>('/api/v1/users/profile', { token, ip });
    expect(reply.status).toBe(401);
    expect(reply.body.error.code).toBe('UNAUTHORIZED');
    if (!has('forwardedFor')) return;
    const audited = await rejectionsFrom(ip);
    expect(audited).toHaveLength(1);
    expect(audited[0]).toMatchObject({ type: 'auth.token_rejected', outcome: 'failure' });
  });

  const adminRoutes = routes.filter((route) => route.auth === 'admin');
  it('covers at least one admin route', () => {
    expect(adminRoutes.length).toBeGreaterThan(0);
  });

  it.each(adminRoutes.map((route) => [route.method, route.path] as const))(
    'refuses a customer on %s %s with 403 and audits it',
    async (method, routePath) => {
      const ip = newIp();
      const reply = await call<ErrorBody>(routePath.replaceAll(/\{[^}]+\}/g, 'any-id'), {
        method,
        token: victim.token,
        ip,
        ...(method !== 'GET' && method !== 'DELETE' && { json: {} }),
      });
      expect(reply.status).toBe(403);
      expect(reply.body.error.code).toBe('FORBIDDEN');
      // A valid session refused the route: an access refusal, not a bad token.
      if (!has('forwardedFor')) return;
      const audited = await rejectionsFrom(ip, 'access.refused');
      expect(audited).toHaveLength(1);
      expect(audited[0]?.actor).toBe(victim.user.id);
      expect(audited[0]?.detail).toMatchObject({ reason: 'ROLE_NOT_ALLOWED', method, route: routePath });
    },
  );

  it('gives no route a way to reach another user through the profile', async () => {
    const other = await registerCustomer();
    const mine = await call<{ id: string }>('/api/v1/users/profile', { token: victim.token });
    expect(mine.body.id).toBe(victim.user.id);
    const sneaky = await call('/api/v1/users/profile', {
      method: 'PUT',
      token: victim.token,
      json: { id: other.user.id, first_name: 'Hijacked' },
    });
    expect(sneaky.status).toBe(400);
    const theirs = await call<{ first_name: string }>('/api/v1/users/profile', { token: other.token });
    expect(theirs.body.first_name).toBe('Sam');
  });

  it('answers a protected route without any token with 401', async () => {
    expect((await call('/api/v1/users/profile')).status).toBe(401);
    expect((await call('/api/v1/admin/audit')).status).toBe(401);
  });
});
