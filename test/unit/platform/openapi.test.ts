import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { ErrorResponse, openApiDocument, SESSION_COOKIE_NAME } from '../../../functions/platform/openapi/document';
import { operations, type RequestSchemas } from '../../../functions/platform/openapi/operations';
import { errorBody } from '../../../functions/shared/http';
import { SESSION_COOKIE } from '../../../functions/users/sessions';
import { ENV } from '../../../lib/spec/env';
import { gatewayErrors } from '../../../lib/spec/gateway-responses';
import { rateLimits } from '../../../lib/spec/rate-limits';
import { type Route, routes } from '../../../lib/spec/routes';

// A handler module's `handler` becomes the options it passed to api(), so they can be held to the description's.
vi.mock('../../../functions/shared/api', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../../functions/shared/api')>()),
  api: (_fn: unknown, options: RequestSchemas = {}) => ({ options }),
}));

const ROOT = path.resolve(import.meta.dirname, '../../..');
const keyOf = (route: Route) => `${route.method} ${route.path}`;
const handlerFile = (route: Route) => path.join(ROOT, 'functions', `${route.handler}.ts`);

// biome-ignore lint/suspicious/noExplicitAny: an OpenAPI document, read by path
type Json = Record<string, any>;
const document = openApiDocument(routes, operations) as Json;
const operationOf = (route: Route): Json => document.paths[route.path]?.[route.method.toLowerCase()];

describe('the OpenAPI description', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(document));
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('the validator refuses a broken document (the check can fail)', async () => {
    const broken = structuredClone(document);
    broken.paths['/api/v1/products'].get.responses = 'none';
    expect((await new Validator().validate(broken)).valid).toBe(false);
  });

  it('has every route of the table with its method, and nothing else', () => {
    for (const route of routes) expect(operationOf(route), keyOf(route)).toBeDefined();
    const documented = Object.entries(document.paths as Record<string, Json>).flatMap(([p, item]) =>
      Object.keys(item).map((method) => `${method.toUpperCase()} ${p}`),
    );
    expect(documented.sort()).toEqual(routes.map(keyOf).sort());
  });

  it('refuses to describe a route without an entry', () => {
    const extra: Route = {
      method: 'GET',
      path: '/api/v1/nowhere',
      handler: 'platform/nowhere',
      auth: 'public',
      bindings: {},
    };
    expect(() => openApiDocument([...routes, extra], operations)).toThrow('No OpenAPI entry for GET /api/v1/nowhere');
  });

  it('has an entry for routes only', () => {
    const keys = new Set(routes.map(keyOf));
    expect(Object.keys(operations).filter((key) => !keys.has(key))).toEqual([]);
  });

  it("describes each request with the very schemas the route's handler passes to api()", async () => {
    // What some handler modules read as they load (clients are made, nothing is called).
    vi.stubEnv(ENV.region, 'us-east-1');
    vi.stubEnv(ENV.searchEndpoint, 'http://127.0.0.1:9');
    onTestFinished(() => {
      vi.unstubAllEnvs();
    });
    for (const route of routes) {
      const { handler } = (await import(handlerFile(route))) as { handler: { options: RequestSchemas } };
      const documented = operations[keyOf(route)]?.request ?? {};
      for (const part of ['body', 'query', 'params'] as const) {
        expect(documented[part], `${keyOf(route)} ${part}`).toBe(handler.options[part]);
      }
    }
  });

  it('documents every path parameter as required, and query parameters from the query schema', () => {
    for (const route of routes) {
      const parameters: Json[] = operationOf(route).parameters ?? [];
      const inPath = [...route.path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]);
      expect(
        parameters.filter((p) => p.in === 'path').map((p) => p.name),
        keyOf(route),
      ).toEqual(inPath);
      for (const parameter of parameters.filter((p) => p.in === 'path')) expect(parameter.required).toBe(true);
    }
    const list = operationOf(routes.find((r) => keyOf(r) === 'GET /api/v1/products') as Route);
    expect(list.parameters.map((p: Json) => p.name)).toEqual([
      'limit',
      'cursor',
      'category',
      'minPrice',
      'maxPrice',
      'sort',
    ]);
    // As the client sends it: a query-string number is text, a defaulted field is optional.
    expect(list.parameters[0]).toMatchObject({ in: 'query', required: false, schema: { type: 'string' } });
    const search = operationOf(routes.find((r) => keyOf(r) === 'GET /api/v1/search') as Route);
    expect(search.parameters.find((p: Json) => p.name === 'sort')).toMatchObject({
      required: false,
      schema: { default: 'relevance', enum: expect.arrayContaining(['relevance', 'price']) },
    });
  });

  it('describes request bodies as JSON Schema 2020-12, input side', () => {
    const create = operationOf(routes.find((r) => keyOf(r) === 'POST /api/v1/products') as Route);
    const schema = create.requestBody.content['application/json'].schema;
    expect(create.requestBody.required).toBe(true);
    expect(schema).toMatchObject({ type: 'object', additionalProperties: false });
    expect(schema.required).toEqual(['sku', 'name', 'price', 'category', 'brand']);
    expect(schema.properties.attributes).toMatchObject({ type: 'object', default: {} });
    expect(schema.$schema).toBeUndefined();
    const validate = operationOf(routes.find((r) => keyOf(r) === 'POST /api/v1/auth/validate') as Route);
    expect(validate.requestBody.required).toBe(false);
  });

  it('states each route’s auth level, security and rate limit', () => {
    for (const route of routes) {
      const operation = operationOf(route);
      expect(operation['x-auth'], keyOf(route)).toBe(route.auth);
      if (route.rateLimit) {
        expect(operation['x-rate-limit']).toEqual({ class: route.rateLimit, ...rateLimits[route.rateLimit] });
        expect(operation.responses['429'].description).toContain('RATE_LIMITED');
        expect(Object.values(operation.responses as Json).some((r) => r.headers?.['RateLimit-Remaining'])).toBe(true);
      } else expect(operation['x-rate-limit']).toBeUndefined();
      if (route.auth === 'public') {
        expect(operation.responses['401']?.description ?? '').not.toContain('UNAUTHORIZED: no valid session');
        continue;
      }
      const changes = route.method !== 'GET';
      expect(operation.security).toEqual([
        { bearerAuth: [] },
        changes ? { sessionCookie: [], csrfHeader: [] } : { sessionCookie: [] },
      ]);
      expect(operation.responses['401'].description).toContain('UNAUTHORIZED');
      if (changes) expect(operation.responses['403'].description).toContain('CSRF_REJECTED');
      if (route.auth === 'admin') expect(operation.responses['403'].description).toContain('FORBIDDEN');
    }
    expect(document.components.securitySchemes.csrfHeader).toMatchObject({ in: 'header', name: 'x-shop-csrf' });
    expect(document.components.securitySchemes.sessionCookie.name).toBe(SESSION_COOKIE);
    expect(SESSION_COOKIE_NAME).toBe(SESSION_COOKIE);
  });

  it('names the Idempotency-Key header wherever a handler reads it', () => {
    for (const route of routes) {
      const reads = /['"]idempotency-key['"]/i.test(readFileSync(handlerFile(route), 'utf8'));
      const header = (operationOf(route).parameters ?? []).find((p: Json) => p.name === 'Idempotency-Key');
      expect(Boolean(header), keyOf(route)).toBe(reads);
    }
    expect(operationOf(routes.find((r) => keyOf(r) === 'POST /api/v1/orders') as Route).parameters).toContainEqual(
      expect.objectContaining({ name: 'Idempotency-Key', in: 'header', required: false }),
    );
  });

  it('describes the error shape handlers and API Gateway answer', () => {
    expect(
      ErrorResponse.safeParse(errorBody('VALIDATION_ERROR', 'Invalid', [{ path: 'a', message: 'b' }])).success,
    ).toBe(true);
    for (const gatewayError of gatewayErrors) {
      expect(ErrorResponse.safeParse(errorBody(gatewayError.code, gatewayError.message ?? 'x')).success).toBe(true);
    }
    expect(document.components.schemas.Error).toMatchObject({
      type: 'object',
      required: ['error'],
      properties: { error: { required: ['code', 'message', 'details'] } },
    });
    for (const route of routes) {
      const responses = operationOf(route).responses as Json;
      expect(responses.default.content['application/json'].schema.$ref).toBe('#/components/schemas/Error');
      for (const [status, response] of Object.entries(responses).filter(([s]) => Number(s) >= 400)) {
        expect(response.content['application/json'].schema.$ref, `${keyOf(route)} ${status}`).toBe(
          '#/components/schemas/Error',
        );
      }
    }
  });

  it('describes the body of every success that has one (responses.ts, held to the services by their types)', () => {
    for (const route of routes) {
      for (const [status, response] of Object.entries(operationOf(route).responses as Json)) {
        if (!/^2/.test(status)) continue;
        if (status === '204') expect(response.content, `${keyOf(route)} ${status}`).toBeUndefined();
        else expect(response.content['application/json'].schema?.type, `${keyOf(route)} ${status}`).toBe('object');
      }
    }
    const order = operationOf(routes.find((r) => keyOf(r) === 'GET /api/v1/orders/{id}') as Route).responses['200'];
    const schema = order.content['application/json'].schema;
    expect(schema.required).toEqual(expect.arrayContaining(['id', 'status', 'items', 'total', 'history']));
    // An answer may gain fields without breaking a client that follows the description.
    expect(schema.additionalProperties).toBeUndefined();
  });

  it('gives every operation a unique operationId, a tag and a summary', () => {
    const ids = routes.map((route) => operationOf(route).operationId);
    expect(new Set(ids).size).toBe(ids.length);
    const tags = new Set((document.tags as Json[]).map((tag) => tag.name));
    for (const route of routes) {
      expect(tags.has(operationOf(route).tags[0]), keyOf(route)).toBe(true);
      expect(operationOf(route).summary).toMatch(/\S/);
    }
  });
});
