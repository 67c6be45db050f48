import type { APIGatewayProxyEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AuditRecord } from '../../../functions/shared/audit';
import { NotFoundError } from '../../../functions/shared/errors';
import type { ApiHandler } from '../support/api-event';
import { apiEvent, invokeApi } from '../support/api-event';
import { type LocalTables, startLocalDynamo } from '../support/dynamo-local';

// The api wrapper's audit trail as deployed: its own module-level clients, against DynamoDB Local.
let local: LocalTables;
let handlers: { failing: ApiHandler; refusing: ApiHandler; fine: ApiHandler };
let list: (type: AuditRecord['type']) => Promise<AuditRecord[]>;

class ThingNotFoundError extends NotFoundError {
  override readonly code = 'THING_NOT_FOUND';
}

beforeAll(async () => {
  local = await startLocalDynamo();
  vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', local.dynamo.endpoint);
  vi.stubEnv('AWS_REGION', 'us-east-1');
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'test');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'test');
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
  // Imported once the environment points at DynamoDB Local: the wrapper creates its clients on import.
  const { api, requirePrincipal } = await import('../../../functions/shared/api');
  const { assertVisibleTo } = await import('../../../functions/shared/ownership');
  const { auditLog } = await import('../../../functions/shared/audit');
  const { ok } = await import('../../../functions/shared/http');
  handlers = {
    // A bug: no input should reach it, but when something does, the 500 must leave a trace.
    failing: api(async () => {
      throw new TypeError("Cannot read properties of undefined (reading 'id')");
    }),
    refusing: api(async (request) => {
      assertVisibleTo(requirePrincipal(request), 'usr_owner', () => new ThingNotFoundError('Thing t-1 not found'));
      return ok({});
    }),
    fine: api(async () => ok({ fine: true })),
  };
  const audit = auditLog(local.client);
  list = async (type) => (await audit.list({ type, limit: 100 })).items;
}, 60_000);

afterAll(async () => {
  vi.unstubAllEnvs();
  await local?.stop();
});

const from = (ip: string, event: APIGatewayProxyEvent): APIGatewayProxyEvent => ({
  ...event,
  requestContext: {
    ...event.requestContext,
    identity: { ...event.requestContext.identity, sourceIp: ip, userAgent: 'probe/2.0' },
  },
});

describe('the api wrapper records', () => {
  it('a 5xx, with the route, IP, user agent and request id, and answers the generic 500 all the same', async () => {
    const event = from(
      '203.0.113.50',
      apiEvent({ method: 'GET', resource: '/api/v1/things/{id}', pathParameters: { id: 't-1' } }),
    );
    const reply = await invokeApi(handlers.failing, event);
    expect(reply.statusCode).toBe(500);
    expect(reply.json).toEqual({
      error: { code: 'INTERNAL_ERROR', message: 'An unexpected error occurred', details: [] },
    });
    const records = (await list('api.server_error')).filter((r) => r.ip === '203.0.113.50');
    expect(records).toEqual([
      expect.objectContaining({
        type: 'api.server_error',
        outcome: 'failure',
        userAgent: 'probe/2.0',
        requestId: 'req-1',
        detail: {
          method: 'GET',
          route: '/api/v1/things/{id}',
          path: '/api/v1/things/t-1',
          status: 500,
          code: 'INTERNAL_ERROR',
        },
      }),
    ]);
  });

  it("a refusal of another user's resource, answered as the context's own 404, tallied per IP and minute", async () => {
    const event = from(
      '203.0.113.51',
      apiEvent({
        method: 'GET',
        resource: '/api/v1/things/{id}',
        pathParameters: { id: 't-1' },
        principal: { userId: 'usr_intruder', role: 'customer' },
      }),
    );
    const replies = await Promise.all(Array.from({ length: 3 }, () => invokeApi(handlers.refusing, event)));
    for (const reply of replies) {
      expect(reply.statusCode).toBe(404);
      expect(reply.json).toEqual({ error: { code: 'THING_NOT_FOUND', message: 'Thing t-1 not found', details: [] } });
    }
    const records = (await list('access.refused')).filter((r) => r.ip === '203.0.113.51');
    expect(records).toEqual([
      expect.objectContaining({
        actor: 'usr_intruder',
        userAgent: 'probe/2.0',
        detail: expect.objectContaining({ route: '/api/v1/things/{id}', status: 404, count: 3 }),
      }),
    ]);
  });

  it('nothing for a request that succeeds or a 404 that hides nobody', async () => {
    const ip = '203.0.113.52';
    await invokeApi(handlers.fine, from(ip, apiEvent({ method: 'GET', resource: '/api/v1/things' })));
    const owner = { userId: 'usr_owner', role: 'customer' as const };
    const mine = await invokeApi(
      handlers.refusing,
      from(ip, apiEvent({ method: 'GET', resource: '/x', principal: owner })),
    );
    expect(mine.statusCode).toBe(200);
    const everything = [...(await list('access.refused')), ...(await list('api.server_error'))];
    expect(everything.filter((r) => r.ip === ip)).toEqual([]);
  });
});
