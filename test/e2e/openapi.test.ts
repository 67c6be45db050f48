import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import type * as z from 'zod/mini';
import * as reply from '../../functions/platform/openapi/responses';
import { check } from '../../functions/shared/validation';
import { routes } from '../../lib/spec/routes';
import { contentSecurityPolicy } from '../../lib/spec/web-headers';
import { apiUrl, type CallOptions, call, registerCustomer } from './http';
import { needs } from './target';

interface Description {
  openapi: string;
  paths: Record<string, Record<string, { 'x-auth': string }>>;
}

describe('GET /api/v1/openapi.json', () => {
  it('answers the OpenAPI 3.1 description of every route, to anyone', async () => {
    const { status, headers, body } = await call<Description>('/api/v1/openapi.json');
    expect(status).toBe(200);
    expect(headers.get('content-type')).toMatch(/^application\/json/);
    expect(body.openapi).toMatch(/^3\.1\./);
    for (const route of routes) {
      expect(body.paths[route.path]?.[route.method.toLowerCase()]?.['x-auth'], `${route.method} ${route.path}`).toBe(
        route.auth,
      );
    }
    expect((await new Validator().validate(structuredClone(body) as unknown as Record<string, unknown>)).valid).toBe(
      true,
    );
  });
});

describe('answers as described', () => {
  it('fits the response schemas of the description, the handler-built ones included', async () => {
    const customer = await registerCustomer();
    const bearer = { token: customer.token };
    const checks: [path: string, options: CallOptions, schema: z.ZodMiniType][] = [
      ['/api/v1/openapi.json', {}, reply.Description],
      ['/api/v1/products?limit=2', {}, reply.ProductPage],
      ['/api/v1/products/prod-laptop-001', {}, reply.Product],
      ['/api/v1/categories', {}, reply.CategoryList],
      ['/api/v1/search?q=laptop', {}, reply.SearchResults],
      ['/api/v1/auth/session', {}, reply.CurrentSession],
      ['/api/v1/auth/session', bearer, reply.CurrentSession],
      ['/api/v1/auth/validate', { ...bearer, method: 'POST' }, reply.TokenClaims],
      ['/api/v1/users/profile', bearer, reply.User],
      [`/api/v1/cart/${customer.user.id}`, bearer, reply.Cart],
      ['/api/v1/inventory/LAPTOP-001', {}, reply.Stock],
      ['/api/v1/orders', bearer, reply.OrderPage],
    ];
    for (const [path, options, schema] of checks) {
      const { status, body } = await call(path, options);
      expect(status, path).toBe(200);
      expect(check(schema, body), path).toEqual({ ok: true, data: expect.anything() });
    }
  });
});

// The sandbox serves the web build; against API_URL (an API stage) the page is CloudFront's, not the API's.
needs('webApp').describe('/api/docs', () => {
  it('answers the reference page, under the web app headers, with its script and styles from the same origin', async () => {
    for (const path of ['/api/docs', '/api/docs/']) {
      const page = await call<string>(path);
      expect(page.status, path).toBe(200);
      expect(page.headers.get('content-type'), path).toMatch(/^text\/html/);
      expect(page.headers.get('content-security-policy'), path).toBe(contentSecurityPolicy);
      expect(page.body, path).toContain('<title>Shop API reference</title>');
    }
    const { body } = await call<string>('/api/docs');
    const files = [...body.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((match) => match[1] as string);
    expect(files.some((file) => file.endsWith('.js'))).toBe(true);
    expect(files.some((file) => file.endsWith('.css'))).toBe(true);
    for (const file of files) expect((await fetch(`${apiUrl()}${file}`)).status, file).toBe(200);
    expect(body).not.toMatch(/(?:src|href)="(?:https?:)?\/\//);
  });
});
