import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { call, callEndpoint } from './http';
import { has } from './target';

interface FunctionStats {
  invocations: number;
  coldStarts: number;
  peakInstances: number;
  timeouts: number;
}

const REGISTER = 'users/handlers/http/register';
/** 50 bcrypt hashes of cost 12 are about 20 s of CPU: on two busy cores, more than the default minute. */
const SIGN_UPS_TIMEOUT_MS = 180_000;

describe('functions under concurrent load', () => {
  it(
    'signs up 50 customers at once, every one with 201 (bcrypt runs in the functions, not on the gateway)',
    async () => {
      const signUps = await Promise.all(
        Array.from({ length: 50 }, () =>
          // call() presents a fresh client IP each time: the per-IP sign-up limit counts each client alone.
          call<{ user: { email: string } }>('/api/v1/auth/register', {
            method: 'POST',
            json: {
              email: `crowd-${randomUUID()}@example.com`,
              password: `pw-${randomUUID()}`,
              first_name: 'Crowd',
              last_name: 'Member',
            },
          }),
        ),
      );

      expect(signUps.map((reply) => reply.status)).toEqual(Array(50).fill(201));
      expect(new Set(signUps.map((reply) => reply.body.user.email)).size).toBe(50);

      // The sandbox also counts the execution environments it ran them in (LocalStack and AWS have no such page).
      if (has('stats')) {
        const stats = await callEndpoint<{ lambda: { functions: Record<string, FunctionStats> } }>('/_aws/stats');
        const register = stats.body.lambda.functions[REGISTER];
        expect(register?.invocations).toBeGreaterThanOrEqual(50);
        expect(register?.coldStarts).toBeGreaterThanOrEqual(1);
        expect(register?.peakInstances).toBeLessThanOrEqual(10);
        expect(register?.timeouts).toBe(0);
      }
    },
    SIGN_UPS_TIMEOUT_MS,
  );
});
