import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rateLimiter } from '../../functions/shared/rate-limit';
import { rateLimits } from '../../lib/spec/rate-limits';
import { awsClientConfig, call, type ErrorBody, newIp } from './http';
import { needs, tableName } from './target';

needs('forwardedFor').describe('per-IP rate limits, at the production numbers', () => {
  it(`lets ${rateLimits.auth.limit} auth calls through per IP, then answers 429 with Retry-After`, async () => {
    const ip = newIp();
    // Malformed requests count too: the limit is applied before the body is read.
    const send = () => call<ErrorBody>('/api/v1/auth/register', { method: 'POST', ip, json: {} });
    for (let i = 1; i <= rateLimits.auth.limit; i++) {
      const reply = await send();
      expect(reply.status).toBe(400);
      expect(reply.headers.get('ratelimit-limit')).toBe(String(rateLimits.auth.limit));
      expect(reply.headers.get('ratelimit-remaining')).toBe(String(rateLimits.auth.limit - i));
    }
    const limited = await send();
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('RATE_LIMITED');
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(rateLimits.auth.windowSeconds);
    expect(limited.headers.get('ratelimit-remaining')).toBe('0');
    // Another client is not affected.
    expect((await call('/api/v1/auth/register', { method: 'POST', json: {} })).status).toBe(400);
  });

  it('does not limit routes without a class', async () => {
    const ip = newIp();
    for (let i = 0; i < rateLimits.auth.limit + 5; i++) {
      expect((await call('/api/v1/categories', { ip })).status).toBe(200);
    }
  });
});

describe("the rate limiter on the target's DynamoDB, with a configurable window", () => {
  const previous = process.env.PLATFORM_TABLE;
  const dynamo = DynamoDBDocumentClient.from(new DynamoDBClient(awsClientConfig()));
  beforeAll(() => {
    process.env.PLATFORM_TABLE = tableName('platform');
  });
  afterAll(() => {
    process.env.PLATFORM_TABLE = previous;
    dynamo.destroy();
  });

  it('counts within a window opened by the first request, and opens the next one once it is over', async () => {
    const limiter = rateLimiter(dynamo);
    const rule = { limit: 2, windowSeconds: 10 };
    const key = `test#${randomUUID()}`;
    // Not on a multiple of the window: the window starts with the first request, wherever the clock is.
    const start = new Date(Math.ceil(Date.now() / 10_000) * 10_000 + 3_700);
    const at = (seconds: number) => new Date(start.getTime() + seconds * 1000);
    expect(await limiter.hit(key, rule, at(0))).toMatchObject({ allowed: true, remaining: 1, resetSeconds: 10 });
    expect((await limiter.peek(key, rule, at(1))).allowed).toBe(true);
    expect(await limiter.hit(key, rule, at(1))).toMatchObject({ allowed: true, remaining: 0 });
    // Past the next multiple of 10 s, the window is still the one opened at 0.
    expect(await limiter.hit(key, rule, at(9))).toMatchObject({ allowed: false, resetSeconds: 1 });
    expect((await limiter.peek(key, rule, at(9))).allowed).toBe(false);
    expect(await limiter.take(key, rule, at(9.5))).toMatchObject({ allowed: false, resetSeconds: 1 });
    expect(await limiter.hit(key, rule, at(10))).toMatchObject({ allowed: true, remaining: 1, resetSeconds: 10 });
    expect(await limiter.take(key, rule, at(12))).toMatchObject({ allowed: true, remaining: 0, resetSeconds: 8 });
    await limiter.refund(key, rule, at(12));
    expect(await limiter.peek(key, rule, at(13))).toMatchObject({ allowed: true, remaining: 1 });
  });

  it('takes at most the limit of concurrent takes, across a window that opens among them', async () => {
    const limiter = rateLimiter(dynamo);
    const rule = { limit: 5, windowSeconds: 60 };
    const key = `test#${randomUUID()}`;
    const results = await Promise.all(Array.from({ length: 30 }, () => limiter.take(key, rule)));
    expect(results.filter((r) => r.allowed)).toHaveLength(5);
    expect((await limiter.peek(key, rule)).remaining).toBe(0);
  });

  it('counts concurrent hits exactly (atomic increments)', async () => {
    const limiter = rateLimiter(dynamo);
    const rule = { limit: 25, windowSeconds: 3600 };
    const key = `test#${randomUUID()}`;
    const results = await Promise.all(Array.from({ length: 40 }, () => limiter.hit(key, rule)));
    expect(results.filter((r) => r.allowed)).toHaveLength(25);
  });
});
