import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { api, requirePrincipal } from '../../../functions/shared/api';
import { ConflictError } from '../../../functions/shared/errors';
import { ok } from '../../../functions/shared/http';

const event = (overrides: Partial<APIGatewayProxyEvent> = {}): APIGatewayProxyEvent =>
  ({
    resource: '/x',
    path: '/x',
    httpMethod: 'POST',
    headers: { 'Content-Type': 'application/json' },
    multiValueHeaders: {},
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    body: null,
    isBase64Encoded: false,
    requestContext: { requestId: 'req-1', identity: { sourceIp: '1.2.3.4' } },
    ...overrides,
  }) as APIGatewayProxyEvent;

const context = {} as Context;
const Body = z.strictObject({ name: z.string().check(z.minLength(1)) });
const echo = api(async (request) => ok({ body: request.body, principal: request.principal ?? null }), { body: Body });

const run = async (
  handler: (e: APIGatewayProxyEvent, c: Context) => Promise<APIGatewayProxyResult>,
  e: APIGatewayProxyEvent,
) => {
  const result = await handler(e, context);
  return { ...result, json: result.body ? JSON.parse(result.body) : undefined };
};

describe('api wrapper', () => {
  it('parses and validates the body, and passes the authorizer principal', async () => {
    const result = await run(
      echo,
      event({
        body: '{"name":"x"}',
        headers: { 'Content-Type': 'application/json; charset=utf-8', Authorization: 'Bearer t' },
        requestContext: {
          requestId: 'r',
          identity: { sourceIp: '1.2.3.4' },
          authorizer: { userId: 'u1', role: 'customer' },
        } as never,
      }),
    );
    expect(result.statusCode).toBe(200);
    expect(result.json).toEqual({ body: { name: 'x' }, principal: { userId: 'u1', role: 'customer' } });
    expect(result.headers?.['X-Content-Type-Options']).toBe('nosniff');
  });

  const signedIn = {
    requestId: 'r',
    identity: { sourceIp: '1.2.3.4' },
    authorizer: { userId: 'u1', role: 'customer' },
  };

  it.each([
    ['the cookie alone', { Cookie: 'session=t' }, 403],
    [
      'a foreign Origin',
      { Cookie: 'session=t', 'x-shop-csrf': '1', Origin: 'https://evil.example', Host: 'shop' },
      403,
    ],
    ['a cross-site fetch', { Cookie: 'session=t', 'x-shop-csrf': '1', 'Sec-Fetch-Site': 'cross-site' }, 403],
    ['the anti-CSRF header from its own origin', { 'x-shop-csrf': '1', Origin: 'https://shop', Host: 'shop' }, 200],
    ['a proxied own origin', { 'x-shop-csrf': '1', Origin: 'https://a.b', 'X-Forwarded-Host': 'a.b', Host: 'x' }, 200],
    ['a bearer token', { Authorization: 'Bearer t', Origin: 'https://evil.example' }, 200],
  ])('answers a signed-in change sent with %s with %i', async (_, headers, status) => {
    const result = await run(
      echo,
      event({
        body: '{"name":"x"}',
        headers: { 'Content-Type': 'application/json', ...headers },
        requestContext: signedIn as never,
      }),
    );
    expect(result.statusCode).toBe(status);
    if (status === 403) expect(result.json.error.code).toBe('CSRF_REJECTED');
  });

  it.each(['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', undefined])(
    'answers 415 to a body sent as %s',
    async (contentType) => {
      const result = await run(
        echo,
        event({ body: '{"name":"x"}', headers: contentType ? { 'Content-Type': contentType } : {} }),
      );
      expect(result.statusCode).toBe(415);
      expect(result.json.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    },
  );

  it.each([
    ['not json', 400, 'INVALID_JSON'],
    ['[]', 400, 'VALIDATION_ERROR'],
    ['null', 400, 'VALIDATION_ERROR'],
    ['{"name":""}', 400, 'VALIDATION_ERROR'],
    ['{"name":"x","admin":true}', 400, 'VALIDATION_ERROR'],
    [JSON.stringify({ name: 'x'.repeat(70_000) }), 400, 'PAYLOAD_TOO_LARGE'],
  ])('answers %# with %i %s in the error shape', async (body, status, code) => {
    const result = await run(echo, event({ body }));
    expect(result.statusCode).toBe(status);
    expect(result.json.error).toMatchObject({ code, message: expect.any(String), details: expect.any(Array) });
    expect(result.headers?.['X-Content-Type-Options']).toBe('nosniff');
  });

  it('maps a domain error to its status and code, and hides anything else behind a generic 500', async () => {
    const conflict = api(async () => {
      throw new ConflictError('already there', 'ALREADY_THERE');
    });
    const crash = api(async () => {
      throw new TypeError('secret internals at /var/task/index.js:1');
    });
    const c = await run(conflict, event());
    expect(c.statusCode).toBe(409);
    expect(c.json.error.code).toBe('ALREADY_THERE');
    const x = await run(crash, event());
    expect(x.statusCode).toBe(500);
    expect(x.json.error).toEqual({ code: 'INTERNAL_ERROR', message: 'An unexpected error occurred', details: [] });
    expect(x.body).not.toContain('internals');
  });

  it('keeps a well-formed correlation id and falls back to the request id', async () => {
    const ping = api(async () => ok({}));
    const kept = await run(ping, event({ headers: { 'X-Correlation-Id': 'abc-123' } }));
    expect(kept.headers?.['X-Correlation-Id']).toBe('abc-123');
    const replaced = await run(ping, event({ headers: { 'X-Correlation-Id': 'bad value <script>' } }));
    expect(replaced.headers?.['X-Correlation-Id']).toBe('req-1');
  });

  it('requirePrincipal refuses a request without one', () => {
    expect(() => requirePrincipal({ principal: undefined })).toThrow('Authentication required');
    expect(requirePrincipal({ principal: { userId: 'u', role: 'admin' } })).toEqual({ userId: 'u', role: 'admin' });
  });
});
