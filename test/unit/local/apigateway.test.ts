import type { APIGatewayProxyEvent, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import type { Route } from '../../../lib/spec/routes';
import { type HttpRequest, type Invoke, LocalApiGateway } from '../../../local/apigateway';
import { LambdaThrottledError, LambdaTimeoutError } from '../../../local/lambda/invoke';

const routes: Route[] = [
  { method: 'GET', path: '/api/v1/things/{id}', handler: 'things/get', auth: 'public', bindings: {} },
  { method: 'PUT', path: '/api/v1/things/{id}', handler: 'things/put', auth: 'admin', bindings: {} },
  { method: 'GET', path: '/api/v1/mine', handler: 'things/mine', auth: 'customer', bindings: {} },
];

const request = (overrides: Partial<HttpRequest> = {}): HttpRequest => ({
  method: 'GET',
  path: '/api/v1/things/a%20b',
  query: new URLSearchParams(),
  rawHeaders: [],
  body: Buffer.alloc(0),
  sourceIp: '10.1.2.3',
  ...overrides,
});

/** A gateway whose functions record their event and answer per handler. */
const gateway = (answers: Record<string, (event: unknown) => unknown>) => {
  const calls: { handler: string; event: unknown }[] = [];
  const api = new LocalApiGateway(
    routes,
    { handler: 'auth', bindings: {} },
    async ({ handler }, event) => {
      calls.push({ handler, event });
      const answer = answers[handler];
      if (!answer) throw new Error(`no fake for ${handler}`);
      return answer(event);
    },
    { region: 'us-east-1', accountId: '000000000000' },
  );
  return { api, calls };
};

const allowAll = (event: unknown) => ({
  principalId: 'u1',
  policyDocument: {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: 'execute-api:Invoke',
        Resource: (event as APIGatewayRequestAuthorizerEvent).methodArn,
      },
    ],
  },
  context: { userId: 'u1', role: 'admin' },
});

describe('LocalApiGateway', () => {
  it('builds a REST proxy event: path parameters, single and multi-value query and headers, ids, source IP', async () => {
    const { api, calls } = gateway({ 'things/get': () => ({ statusCode: 200, body: '{}' }) });
    await api.handle(
      request({
        query: new URLSearchParams('tag=x&tag=y&q=1'),
        rawHeaders: ['Accept', 'application/json', 'X-Multi', 'one', 'X-Multi', 'two', 'Cookie', 'a=1; b=2'],
      }),
    );
    const event = calls[0]?.event as APIGatewayProxyEvent;
    expect(event.resource).toBe('/api/v1/things/{id}');
    expect(event.path).toBe('/api/v1/things/a%20b');
    expect(event.pathParameters).toEqual({ id: 'a b' });
    expect(event.queryStringParameters).toEqual({ tag: 'y', q: '1' });
    expect(event.multiValueQueryStringParameters).toEqual({ tag: ['x', 'y'], q: ['1'] });
    expect(event.headers['X-Multi']).toBe('two');
    expect(event.multiValueHeaders['X-Multi']).toEqual(['one', 'two']);
    expect(event.headers.Cookie).toBe('a=1; b=2');
    expect(event.requestContext.identity.sourceIp).toBe('10.1.2.3');
    expect(event.requestContext.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(event.requestContext.authorizer).toBeUndefined();
    expect(event.body).toBeNull();
  });

  it('passes query parameters and headers named like Object.prototype members as plain data', async () => {
    const { api, calls } = gateway({ 'things/get': () => ({ statusCode: 200, body: '{}' }) });
    const reply = await api.handle(
      request({
        query: new URLSearchParams('__proto__=a&constructor=b&constructor=c&toString=d'),
        rawHeaders: ['__proto__', 'h', 'constructor', 'k'],
      }),
    );
    expect(reply.status).toBe(200);
    const event = calls[0]?.event as APIGatewayProxyEvent;
    expect(Object.getOwnPropertyDescriptor(event.queryStringParameters, '__proto__')?.value).toBe('a');
    expect(event.queryStringParameters?.constructor).toBe('c');
    expect(event.multiValueQueryStringParameters?.constructor).toEqual(['b', 'c']);
    expect(event.queryStringParameters?.toString).toBe('d');
    expect(Object.getOwnPropertyDescriptor(event.headers, '__proto__')?.value).toBe('h');
    expect(event.multiValueHeaders.constructor).toEqual(['k']);
  });

  it('passes a JSON body as text and a binary one as base64', async () => {
    const { api, calls } = gateway({ 'things/put': () => ({ statusCode: 204, body: '' }), auth: allowAll });
    await api.handle(
      request({ method: 'PUT', rawHeaders: ['Content-Type', 'application/json'], body: Buffer.from('{"a":1}') }),
    );
    await api.handle(
      request({ method: 'PUT', rawHeaders: ['Content-Type', 'image/png'], body: Buffer.from([0, 1, 2]) }),
    );
    const [json, binary] = calls.filter((c) => c.handler === 'things/put').map((c) => c.event as APIGatewayProxyEvent);
    expect(json).toMatchObject({ body: '{"a":1}', isBase64Encoded: false });
    expect(binary).toMatchObject({ body: 'AAEC', isBase64Encoded: true });
  });

  it('returns status, single and multi-value headers and body', async () => {
    const { api } = gateway({
      'things/get': () => ({
        statusCode: 201,
        headers: { 'X-One': '1', 'Set-Cookie': 'ignored' },
        multiValueHeaders: { 'Set-Cookie': ['a=1', 'b=2'] },
        body: '{"ok":true}',
      }),
    });
    const reply = await api.handle(request());
    expect(reply.status).toBe(201);
    expect(reply.headers).toEqual(
      expect.arrayContaining([
        ['X-One', '1'],
        ['Set-Cookie', 'a=1'],
        ['Set-Cookie', 'b=2'],
      ]),
    );
    expect(reply.headers.filter(([name]) => name === 'Set-Cookie')).toHaveLength(2);
    expect(reply.body).toBe('{"ok":true}');
  });

  it('answers 404 for an unknown path, 405 with Allow for a known path and another method', async () => {
    const { api } = gateway({});
    const unknown = await api.handle(request({ path: '/api/v1/nope' }));
    expect(unknown.status).toBe(404);
    expect(JSON.parse(String(unknown.body)).error.code).toBe('NOT_FOUND');
    const wrong = await api.handle(request({ method: 'DELETE' }));
    expect(wrong.status).toBe(405);
    expect(wrong.headers).toContainEqual(['Allow', 'GET, PUT']);
  });

  it.each(['/api/v1/things/%zz', '/api/v1/things/%', '/api/v1/things/%E0%A4%A', '/api/v1/nope/%zz'])(
    'answers 400, as API Gateway does, to the malformed percent-encoding of %s, calling no function',
    async (path) => {
      const { api, calls } = gateway({});
      const reply = await api.handle(request({ path }));
      expect(reply.status).toBe(400);
      expect(JSON.parse(String(reply.body)).error.code).toBe('BAD_REQUEST');
      expect(calls).toEqual([]);
    },
  );

  it('runs the authorizer on protected routes and puts its context in the event', async () => {
    const { api, calls } = gateway({ auth: allowAll, 'things/put': () => ({ statusCode: 200, body: '' }) });
    const reply = await api.handle(request({ method: 'PUT', rawHeaders: ['Authorization', 'Bearer t'] }));
    expect(reply.status).toBe(200);
    const authEvent = calls[0]?.event as APIGatewayRequestAuthorizerEvent;
    expect(calls[0]?.handler).toBe('auth');
    expect(authEvent.type).toBe('REQUEST');
    expect(authEvent.methodArn).toBe('arn:aws:execute-api:us-east-1:000000000000:local/v1/PUT/api/v1/things/{id}');
    expect(authEvent.headers?.Authorization).toBe('Bearer t');
    const event = calls[1]?.event as APIGatewayProxyEvent;
    expect(event.requestContext.authorizer).toEqual({ principalId: 'u1', userId: 'u1', role: 'admin' });
  });

  it('answers 401 when the authorizer throws Unauthorized and 403 on a Deny policy', async () => {
    const unauthorized = gateway({
      auth: () => {
        throw new Error('Unauthorized');
      },
    });
    expect((await unauthorized.api.handle(request({ path: '/api/v1/mine' }))).status).toBe(401);
    expect(unauthorized.calls.map((c) => c.handler)).toEqual(['auth']);
    const denied = gateway({
      auth: (event) => {
        const allowed = allowAll(event);
        allowed.policyDocument.Statement[0] = { ...allowed.policyDocument.Statement[0], Effect: 'Deny' } as never;
        return allowed;
      },
    });
    const reply = await denied.api.handle(request({ path: '/api/v1/mine' }));
    expect(reply.status).toBe(403);
    expect(JSON.parse(String(reply.body)).error.code).toBe('FORBIDDEN');
  });

  it('turns a function crash or a malformed result into 502', async () => {
    const crashing = gateway({
      'things/get': () => {
        throw new Error('boom');
      },
    });
    expect((await crashing.api.handle(request())).status).toBe(502);
    const malformed = gateway({ 'things/get': () => ({ body: 'no status' }) });
    expect((await malformed.api.handle(request())).status).toBe(502);
  });

  const errorOf = (body: string | Buffer) => (JSON.parse(String(body)) as { error: { code: string } }).error.code;
  const throwing = (error: Error) =>
    gateway({
      'things/get': () => {
        throw error;
      },
    });

  it('answers a function timeout with 502 and a throttled function with 500, with the DEFAULT_5XX body', async () => {
    const timedOut = await throwing(new LambdaTimeoutError('things/get', 10)).api.handle(request());
    expect([timedOut.status, errorOf(timedOut.body)]).toEqual([502, 'INTERNAL_ERROR']);
    const throttled = await throwing(new LambdaThrottledError('things/get', 10)).api.handle(request());
    expect([throttled.status, errorOf(throttled.body)]).toEqual([500, 'INTERNAL_ERROR']);
  });

  const slowGateway = (invoke: Invoke) =>
    new LocalApiGateway(routes, { handler: 'auth', bindings: {} }, invoke, {
      region: 'us-east-1',
      accountId: '000000000000',
      integrationTimeoutSeconds: 0.1,
    });
  const later = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it('answers 504 INTEGRATION_TIMEOUT when the function has not answered within the integration timeout', async () => {
    const reply = await slowGateway(async (_fn, _event, options) => {
      options?.onStart?.();
      return new Promise(() => undefined);
    }).handle(request());

    expect([reply.status, errorOf(reply.body)]).toEqual([504, 'TIMEOUT']);
  });

  it("counts the integration timeout from the invocation's start, not from its wait for a free instance", async () => {
    const reply = await slowGateway(async (_fn, _event, options) => {
      await later(200);
      options?.onStart?.();
      await later(20);
      return { statusCode: 200, body: '{}' };
    }).handle(request());

    expect(reply.status).toBe(200);
  });
});
