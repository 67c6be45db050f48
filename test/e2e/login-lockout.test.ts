import { expect, it } from 'vitest';
import { call, type ErrorBody, newIp, registerCustomer } from './http';
import { needs } from './target';

const LIMIT = 5;

const loginFrom = (ip: string, email: string, password: string) =>
  call<ErrorBody>('/api/v1/auth/login', { method: 'POST', ip, json: { email, password } });

// Each attempt from an IP of its own, so that the per-IP limit on failed sign-ins stays out of the way.
needs('forwardedFor').describe('the per-account login lockout under concurrency', () => {
  it('checks at most 5 wrong passwords however many arrive at once, then refuses even the right one', async () => {
    const { email, password } = await registerCustomer();
    // Each attempt from its own IP, so only the per-account counter can refuse it.
    const replies = await Promise.all(
      Array.from({ length: 12 }, (_, i) => loginFrom(newIp(), email, `wrong-password-${i}`)),
    );
    const statuses = replies.map((reply) => reply.status);
    const wrong = statuses.filter((status) => status === 401);
    const throttled = statuses.filter((status) => status === 429);
    expect(wrong.length).toBeLessThanOrEqual(LIMIT);
    expect(wrong.length + throttled.length).toBe(12);
    for (const reply of replies.filter((r) => r.status === 429)) {
      expect(reply.body.error.code).toBe('TOO_MANY_LOGIN_ATTEMPTS');
      expect(Number(reply.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    // The account stays locked for the rest of the window, whatever the password and the IP.
    const right = await loginFrom(newIp(), email, password);
    expect(right.status).toBe(429);
    expect(right.body.error.code).toBe('TOO_MANY_LOGIN_ATTEMPTS');
  });
});
