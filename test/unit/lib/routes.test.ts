import { describe, expect, it } from 'vitest';
import { loginFailureLimits, rateLimits } from '../../../lib/spec/rate-limits';
import { authorizer, routeOf, routes } from '../../../lib/spec/routes';

describe('the rate-limit configuration', () => {
  it('has the production numbers', () => {
    expect(rateLimits).toEqual({
      cart: { limit: 100, windowSeconds: 900 },
      orders: { limit: 50, windowSeconds: 900 },
      payments: { limit: 10, windowSeconds: 3600 },
      auth: { limit: 20, windowSeconds: 900 },
    });
    expect(loginFailureLimits.perAccount).toEqual({ limit: 5, windowSeconds: 900 });
  });
});

describe('the route table', () => {
  it('has one route per method and path', () => {
    const keys = routes.map((r) => `${r.method} ${r.path}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('finds a route by method and resource, as API Gateway reports them', () => {
    expect(routeOf('GET', '/api/v1/products/{id}')?.handler).toBe('catalog/handlers/http/get-product');
    expect(routeOf('DELETE', '/api/v1/products/{id}')?.handler).toBe('catalog/handlers/http/delete-product');
    expect(routeOf('PATCH', '/api/v1/products/{id}')).toBeUndefined();
  });

  it('binds the rate-limit counters to the rate-limited routes only', () => {
    for (const route of routes) {
      const counts = route.bindings.platform?.rateLimits ?? [];
      expect(counts, `${route.method} ${route.path}`).toEqual(route.rateLimit ? ['count'] : []);
    }
  });

  it('binds every route and the authorizer to the audit trail and the suspicious-activity alert, never the platform table whole', () => {
    for (const route of routes) {
      expect(route.bindings.platform, `${route.method} ${route.path}`).toMatchObject({
        audit: expect.arrayContaining(['write']),
        securityAlerts: ['raise'],
      });
      expect(Object.keys(route.bindings.tables ?? {})).not.toContain('platform');
    }
    expect(authorizer.bindings.platform).toEqual({ audit: ['write'], securityAlerts: ['raise'] });
    // Added to what each route declares, never in place of it.
    expect(routeOf('GET', '/api/v1/orders/{id}')?.bindings.tables).toEqual({ orders: 'read' });
    expect(routeOf('GET', '/api/v1/admin/audit')?.bindings.platform?.audit).toEqual(['write', 'read']);
  });
});
