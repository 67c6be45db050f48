import type { Route } from '../../lib/spec/routes';
import { routes } from '../../lib/spec/routes';

/**
 * Admin and customer routes (on handler files that exist), rate-limited classes, and every kind of binding,
 * to exercise the authorizer and grants whatever the real table holds so far.
 */
const extraRoutes: Route[] = [
  {
    method: 'POST',
    path: '/api/v1/fixture/products',
    handler: 'catalog/handlers/http/get-product',
    auth: 'admin',
    bindings: { tables: { catalog: 'readwrite' }, events: true },
  },
  {
    method: 'DELETE',
    path: '/api/v1/fixture/products/{id}',
    handler: 'catalog/handlers/http/get-product',
    auth: 'admin',
    bindings: { tables: { catalog: 'readwrite' } },
  },
  {
    method: 'GET',
    path: '/api/v1/fixture/cart/{userId}',
    handler: 'platform/handlers/http/health',
    auth: 'customer',
    rateLimit: 'cart',
    bindings: { tables: { carts: 'read' } },
  },
  {
    method: 'POST',
    path: '/api/v1/fixture/orders',
    handler: 'catalog/handlers/http/list-categories',
    auth: 'customer',
    rateLimit: 'orders',
    memory: 1024,
    timeout: 20,
    bindings: {
      tables: { orders: 'readwrite', catalog: 'read' },
      events: true,
      checkout: true,
      mail: true,
      signingKey: true,
    },
  },
  {
    method: 'GET',
    path: '/api/v1/fixture/profile',
    handler: 'users/handlers/http/authorizer',
    auth: 'customer',
    bindings: { tables: { users: 'read' } },
  },
];

/** The real route table plus those of the extra routes it does not have yet (a route appears once). */
export const testRoutes: Route[] = [
  ...routes,
  ...extraRoutes.filter((extra) => !routes.some((r) => r.method === extra.method && r.path === extra.path)),
];

/** `count` extra public routes, all in one context (the worst case for a nested stack), on handler files that exist. */
export const syntheticRoutes = (count: number): Route[] => {
  const handlers = [
    'catalog/handlers/http/list-products',
    'catalog/handlers/http/get-product',
    'catalog/handlers/http/list-categories',
  ];
  return Array.from({ length: count }, (_, i) => ({
    method: 'GET' as const,
    path: `/api/v1/synthetic/r${i}`,
    handler: handlers[i % handlers.length] as string,
    auth: 'public' as const,
    bindings: { tables: { catalog: 'read' as const } },
  }));
};
