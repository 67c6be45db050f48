import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { awsClientConfig, call, type ErrorBody, login, newIp, registerCustomer } from './http';
import { needs, tableName } from './target';

const dynamo = DynamoDBDocumentClient.from(new DynamoDBClient(awsClientConfig()));
afterAll(() => dynamo.destroy());

interface Session {
  user: Record<string, unknown>;
  token: string;
}

const cookieOf = (headers: Headers) => headers.get('set-cookie') ?? '';

describe("the original README's calls", () => {
  it('registers with the documented body, then logs in with the documented body', async () => {
    // Verbatim from the original platform's README.
    const register = await call<Session>('/api/v1/auth/register', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: `{
    "email": "test@example.com",
    "password": "test1234",
    "first_name": "Test",
    "last_name": "User"
  }`,
    });
    expect(register.status).toBe(201);
    expect(register.body.user).toMatchObject({
      email: 'test@example.com',
      first_name: 'Test',
      last_name: 'User',
      role: 'customer',
    });
    expect(register.body.user).not.toHaveProperty('passwordHash');
    expect(register.body.token.split('.')).toHaveLength(3);

    const loggedIn = await call<Session>('/api/v1/auth/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: `{
    "email": "test@example.com",
    "password": "test1234"
  }`,
    });
    expect(loggedIn.status).toBe(200);
    expect(loggedIn.body.user.id).toBe(register.body.user.id);
    const cookie = cookieOf(loggedIn.headers);
    expect(cookie).toMatch(/^session=[\w-]+\.[\w-]+\.[\w-]+;/);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('Secure');
    expect(cookie).toContain('SameSite=Lax');
    expect(loggedIn.headers.get('cache-control')).toBe('no-store');
  });
});

describe('POST /api/v1/auth/register', () => {
  it('stores a bcrypt hash of cost 12 that never leaves the users table', async () => {
    const { user, token } = await registerCustomer();
    const { Item } = await dynamo.send(
      new GetCommand({ TableName: tableName('users'), Key: { pk: `USER#${user.id}`, sk: 'PROFILE' } }),
    );
    expect(Item?.passwordHash).toMatch(/^\$2[aby]\$12\$/);
    const profile = await call<Record<string, unknown>>('/api/v1/users/profile', { token });
    expect(JSON.stringify(profile.body)).not.toContain('$2');
    expect(Object.keys(profile.body).sort()).toEqual(
      ['created_at', 'email', 'first_name', 'id', 'last_name', 'role', 'updated_at'].sort(),
    );
  });

  it('refuses an email that exists, whatever its case, with 409', async () => {
    const { email } = await registerCustomer();
    const again = await call<ErrorBody>('/api/v1/auth/register', {
      method: 'POST',
      json: { email: email.toUpperCase(), password: 'another-pass', first_name: 'A', last_name: 'B' },
    });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('EMAIL_TAKEN');
  });

  const email = () => `bad-${randomUUID()}@example.com`;
  it.each([
    ['missing fields', () => ({ email: email() })],
    ['a wrong type', () => ({ email: email(), password: 12345678, first_name: 'A', last_name: 'B' })],
    ['a short password', () => ({ email: email(), password: 'short', first_name: 'A', last_name: 'B' })],
    [
      'a 129-character password',
      () => ({ email: email(), password: 'p'.repeat(129), first_name: 'A', last_name: 'B' }),
    ],
    [
      'the email as password',
      () => {
        const e = email();
        return { email: e, password: e.toUpperCase(), first_name: 'A', last_name: 'B' };
      },
    ],
    ['an invalid email', () => ({ email: 'not-an-email', password: 'password123', first_name: 'A', last_name: 'B' })],
    [
      'an unknown field',
      () => ({ email: email(), password: 'password123', first_name: 'A', last_name: 'B', role: 'admin' }),
    ],
    [
      'a megabyte string',
      () => ({ email: email(), password: 'password123', first_name: 'x'.repeat(1024 * 1024), last_name: 'B' }),
    ],
    ['an array', () => [{ email: email(), password: 'password123', first_name: 'A', last_name: 'B' }]],
    ['null', () => null],
  ])('answers %s with 400 and writes nothing', async (_, body) => {
    const payload = body();
    const sent = await call<ErrorBody>('/api/v1/auth/register', { method: 'POST', json: payload });
    expect(sent.status).toBe(400);
    expect(sent.body.error.code).toMatch(/^(VALIDATION_ERROR|PAYLOAD_TOO_LARGE)$/);
    const tried = (Array.isArray(payload) ? payload[0] : payload) as { email?: string } | null;
    if (tried?.email) {
      const { Item } = await dynamo.send(
        new GetCommand({
          TableName: tableName('users'),
          Key: { pk: `EMAIL#${tried.email.toLowerCase()}`, sk: 'EMAIL' },
        }),
      );
      expect(Item).toBeUndefined();
    }
  });

  it('answers invalid JSON with 400 INVALID_JSON', async () => {
    const sent = await call<ErrorBody>('/api/v1/auth/register', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{"email": "x@example.com", ',
    });
    expect(sent.status).toBe(400);
    expect(sent.body.error.code).toBe('INVALID_JSON');
  });
});

describe('POST /api/v1/auth/login', () => {
  it('gives an unknown email and a wrong password the same status, code and similar timing', async () => {
    const { email } = await registerCustomer();
    const attempt = async (e: string) => {
      const started = performance.now();
      const reply = await login(e, 'wrong-password');
      return { reply, ms: performance.now() - started };
    };
    // Three of each, interleaved, so that a busy machine slows both kinds alike; the fastest of each is its cost
    // (three wrong passwords stay under the account's lockout of five).
    const wrongs: Awaited<ReturnType<typeof attempt>>[] = [];
    const unknowns: Awaited<ReturnType<typeof attempt>>[] = [];
    for (let i = 0; i < 3; i++) {
      wrongs.push(await attempt(email));
      unknowns.push(await attempt(`nobody-${randomUUID()}@example.com`));
    }
    const [first, ...others] = [...wrongs, ...unknowns].map(({ reply }) => reply);
    expect(first?.status).toBe(401);
    for (const reply of others) {
      expect(reply.status).toBe(401);
      expect(reply.body).toEqual(first?.body);
    }
    const fastest = (tries: { ms: number }[]) => Math.min(...tries.map((t) => t.ms));
    // Both pay for one bcrypt comparison (about 250 ms at cost 12): an unknown email that skipped it would answer
    // in a few milliseconds, over ten times faster.
    const ratio = fastest(unknowns) / fastest(wrongs);
    expect(ratio).toBeGreaterThan(0.25);
    expect(ratio).toBeLessThan(4);
  });

  it('throttles an account after 5 failures: even the right password gets 429 with Retry-After', async () => {
    const { email, password } = await registerCustomer();
    for (let i = 0; i < 5; i++) expect((await login(email, `wrong-${i}`)).status).toBe(401);
    const blocked = await login(email, password);
    expect(blocked.status).toBe(429);
    expect((blocked.body as unknown as ErrorBody).error.code).toBe('TOO_MANY_LOGIN_ATTEMPTS');
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  needs('forwardedFor').it('throttles an IP after 20 failures across accounts', async () => {
    const ip = newIp();
    for (let i = 0; i < 20; i++) {
      const reply = await call('/api/v1/auth/login', {
        method: 'POST',
        ip,
        json: { email: `nobody-${i}-${randomUUID()}@example.com`, password: 'whatever1' },
      });
      expect(reply.status).toBe(401);
    }
    const next = await call('/api/v1/auth/login', {
      method: 'POST',
      ip,
      json: { email: `nobody-${randomUUID()}@example.com`, password: 'whatever1' },
    });
    expect(next.status).toBe(429);
    expect(next.headers.get('retry-after')).toMatch(/^\d+$/);
  });
});

describe('sessions', () => {
  it('accepts the session cookie as well as the bearer header', async () => {
    const { email, password } = await registerCustomer();
    const { headers } = await login(email, password);
    const cookie = cookieOf(headers).split(';')[0] as string;
    const profile = await call<{ email: string }>('/api/v1/users/profile', { headers: { Cookie: cookie } });
    expect(profile.status).toBe(200);
    expect(profile.body.email).toBe(email);
  });

  it('logout clears the cookie and makes that token unusable, leaving other sessions alone', async () => {
    const { email, password, token } = await registerCustomer();
    const other = (await login(email, password)).body.token;
    const out = await call('/api/v1/auth/logout', { method: 'POST', token });
    expect(out.status).toBe(204);
    expect(cookieOf(out.headers)).toMatch(/^session=;.*Max-Age=0/);
    expect((await call('/api/v1/users/profile', { token })).status).toBe(401);
    expect((await call('/api/v1/auth/validate', { method: 'POST', json: { token } })).status).toBe(401);
    expect((await call('/api/v1/users/profile', { token: other })).status).toBe(200);
  });

  it('validate returns the claims of a valid token and 401 otherwise', async () => {
    const { user, token } = await registerCustomer();
    const fromBody = await call<{ valid: boolean; claims: Record<string, unknown> }>('/api/v1/auth/validate', {
      method: 'POST',
      json: { token },
    });
    expect(fromBody.status).toBe(200);
    expect(fromBody.body).toMatchObject({ valid: true, claims: { sub: user.id, role: 'customer' } });
    const fromHeader = await call('/api/v1/auth/validate', { method: 'POST', token });
    expect(fromHeader.status).toBe(200);
    const none = await call<ErrorBody>('/api/v1/auth/validate', { method: 'POST' });
    expect(none.status).toBe(401);
    const garbage = await call<ErrorBody>('/api/v1/auth/validate', { method: 'POST', json: { token: 'a.b.c' } });
    expect(garbage.status).toBe(401);
    expect(garbage.body.error.code).toBe('INVALID_TOKEN');
  });
});

describe('profile and password', () => {
  it('reads and updates the profile; bad updates are 400', async () => {
    const { token } = await registerCustomer();
    const updated = await call<Record<string, string>>('/api/v1/users/profile', {
      method: 'PUT',
      token,
      json: { first_name: 'Renamed' },
    });
    expect(updated.status).toBe(200);
    expect(updated.body.first_name).toBe('Renamed');
    expect((await call<Record<string, string>>('/api/v1/users/profile', { token })).body.first_name).toBe('Renamed');
    for (const json of [{}, { email: 'new@example.com' }, { role: 'admin' }, { first_name: '' }, { last_name: 7 }]) {
      expect((await call('/api/v1/users/profile', { method: 'PUT', token, json })).status).toBe(400);
    }
    expect((await call<Record<string, string>>('/api/v1/users/profile', { token })).body.role).toBe('customer');
  });

  it('changes the password with the old one, revoking every other session', async () => {
    const { email, password, token } = await registerCustomer();
    const other = (await login(email, password)).body.token;
    const wrong = await call<ErrorBody>('/api/v1/users/change-password', {
      method: 'POST',
      token,
      json: { old_password: 'not-it-at-all', new_password: 'brand-new-pass' },
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.code).toBe('WRONG_PASSWORD');
    const changed = await call<Session>('/api/v1/users/change-password', {
      method: 'POST',
      token,
      json: { old_password: password, new_password: 'brand-new-pass' },
    });
    expect(changed.status).toBe(200);
    expect((await call('/api/v1/users/profile', { token: changed.body.token })).status).toBe(200);
    expect((await call('/api/v1/users/profile', { token })).status).toBe(401);
    expect((await call('/api/v1/users/profile', { token: other })).status).toBe(401);
    expect((await login(email, password)).status).toBe(401);
    expect((await login(email, 'brand-new-pass')).status).toBe(200);
  });
});
