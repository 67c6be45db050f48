import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, inject, it } from 'vitest';
import { routes } from '../../lib/spec/routes';
import { contentSecurityPolicy } from '../../lib/spec/web-headers';
import { apiUrl, call } from './http';

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

// The sandbox serves the web build; against API_URL (an API stage) the page is CloudFront's, not the API's.
describe.runIf(inject('dataDir') !== undefined)('/api/docs', () => {
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
