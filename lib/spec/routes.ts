import type { FunctionSpec } from './bindings';
import { mergeGrants, type PlatformGrant } from './platform';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type AuthLevel = 'public' | 'customer' | 'admin';
export type RateLimitClass = 'cart' | 'orders' | 'payments' | 'auth';

export interface Route extends FunctionSpec {
  method: HttpMethod;
  /** API Gateway resource path under the stage, with {param} segments. */
  path: string;
  auth: AuthLevel;
  rateLimit?: RateLimitClass;
}

export const API_BASE = '/api/v1';

/**
 * What every route's api() wrapper (functions/shared/api.ts) does in the platform table, decided by the same
 * route fields it reads at run time: it writes the audit trail (admin calls, refusals, server errors) and, at a
 * refusal threshold, opens a security alert; it counts the client IP's requests only on a rate-limited route.
 */
export const apiWrapperGrant = (route: Pick<Route, 'rateLimit'>): PlatformGrant => ({
  audit: ['write'],
  securityAlerts: ['raise'],
  ...(route.rateLimit && { rateLimits: ['count'] }),
});

const withApiWrapper = (table: Route[]): Route[] =>
  table.map((route) => ({
    ...route,
    bindings: { ...route.bindings, platform: mergeGrants(apiWrapperGrant(route), route.bindings.platform) },
  }));

/** The route table: CDK builds the REST API from it and the sandbox routes requests with it. */
export const routes: Route[] = withApiWrapper([
  {
    method: 'GET',
    path: '/health',
    handler: 'platform/handlers/http/health',
    auth: 'public',
    bindings: { platform: { health: ['probe'] } },
  },
  {
    // This table as OpenAPI 3.1, with the handlers' zod schemas; /api/docs is its reference page (web/api/docs).
    method: 'GET',
    path: '/api/v1/openapi.json',
    handler: 'platform/handlers/http/get-openapi',
    auth: 'public',
    bindings: {},
  },
  {
    method: 'GET',
    path: '/api/v1/products',
    handler: 'catalog/handlers/http/list-products',
    auth: 'public',
    bindings: { tables: { catalog: 'read' } },
  },
  {
    method: 'GET',
    path: '/api/v1/products/{id}',
    handler: 'catalog/handlers/http/get-product',
    auth: 'public',
    bindings: { tables: { catalog: 'read' } },
  },
  {
    method: 'GET',
    path: '/api/v1/categories',
    handler: 'catalog/handlers/http/list-categories',
    auth: 'public',
    bindings: { tables: { catalog: 'read' } },
  },
  // Catalog management (admin); inventory gets the new product's stock record.
  {
    method: 'POST',
    path: '/api/v1/products',
    handler: 'catalog/handlers/http/create-product',
    auth: 'admin',
    bindings: { tables: { catalog: 'readwrite', inventory: 'readwrite' }, events: true },
  },
  {
    method: 'PUT',
    path: '/api/v1/products/{id}',
    handler: 'catalog/handlers/http/update-product',
    auth: 'admin',
    bindings: { tables: { catalog: 'readwrite' }, events: true },
  },
  {
    method: 'DELETE',
    path: '/api/v1/products/{id}',
    handler: 'catalog/handlers/http/delete-product',
    auth: 'admin',
    bindings: { tables: { catalog: 'readwrite' }, events: true },
  },
  {
    method: 'POST',
    path: '/api/v1/categories',
    handler: 'catalog/handlers/http/create-category',
    auth: 'admin',
    bindings: { tables: { catalog: 'readwrite' } },
  },
  {
    // Creates the category the body names, or replaces its name and description.
    method: 'PUT',
    path: '/api/v1/categories',
    handler: 'catalog/handlers/http/put-category',
    auth: 'admin',
    bindings: { tables: { catalog: 'readwrite' } },
  },
  {
    method: 'PUT',
    path: '/api/v1/categories/{id}',
    handler: 'catalog/handlers/http/update-category',
    auth: 'admin',
    bindings: { tables: { catalog: 'readwrite' } },
  },
  // Product search reads the index, not the table (CQRS).
  {
    method: 'GET',
    path: '/api/v1/search',
    handler: 'search/handlers/http/search-products',
    auth: 'public',
    bindings: { search: 'read' },
  },
  {
    method: 'POST',
    path: '/api/v1/auth/register',
    handler: 'users/handlers/http/register',
    auth: 'public',
    rateLimit: 'auth',
    bindings: { tables: { users: 'readwrite' }, events: true, signingKey: true },
  },
  {
    method: 'POST',
    path: '/api/v1/auth/login',
    handler: 'users/handlers/http/login',
    auth: 'public',
    rateLimit: 'auth',
    // Failed sign-ins are counted per account and IP; an admin's sign-in IPs are remembered.
    bindings: { tables: { users: 'read' }, platform: { adminSignIns: ['write'] }, signingKey: true },
  },
  {
    method: 'POST',
    path: '/api/v1/auth/logout',
    handler: 'users/handlers/http/logout',
    auth: 'customer',
    bindings: { tables: { users: 'readwrite' } },
  },
  {
    method: 'POST',
    path: '/api/v1/auth/validate',
    handler: 'users/handlers/http/validate',
    auth: 'public',
    bindings: { tables: { users: 'read' }, signingKey: true },
  },
  {
    // The web app's "who am I": a guest is {"user": null}, not a 401.
    method: 'GET',
    path: '/api/v1/auth/session',
    handler: 'users/handlers/http/get-session',
    auth: 'public',
    bindings: { tables: { users: 'read' }, signingKey: true },
  },
  {
    method: 'GET',
    path: '/api/v1/users/profile',
    handler: 'users/handlers/http/get-profile',
    auth: 'customer',
    bindings: { tables: { users: 'read' } },
  },
  {
    method: 'PUT',
    path: '/api/v1/users/profile',
    handler: 'users/handlers/http/update-profile',
    auth: 'customer',
    bindings: { tables: { users: 'readwrite' } },
  },
  {
    method: 'POST',
    path: '/api/v1/users/change-password',
    handler: 'users/handlers/http/change-password',
    auth: 'customer',
    rateLimit: 'auth',
    bindings: { tables: { users: 'readwrite' }, signingKey: true },
  },
  {
    method: 'GET',
    path: '/api/v1/admin/audit',
    handler: 'platform/handlers/http/list-audit',
    auth: 'admin',
    bindings: { platform: { audit: ['read'] } },
  },
  {
    // The daily counters (platform) and the SKUs running low (inventory).
    method: 'GET',
    path: '/api/v1/admin/overview',
    handler: 'reporting/handlers/http/get-overview',
    auth: 'admin',
    bindings: { tables: { inventory: 'read' }, platform: { dailyCounters: ['read'] } },
  },
  // Cart: the owner or an admin (checked in the handler).
  {
    method: 'GET',
    path: '/api/v1/cart/{userId}',
    handler: 'carts/handlers/http/get-cart',
    auth: 'customer',
    rateLimit: 'cart',
    bindings: { tables: { carts: 'read', catalog: 'read' } },
  },
  {
    method: 'POST',
    path: '/api/v1/cart/{userId}/items',
    handler: 'carts/handlers/http/add-item',
    auth: 'customer',
    rateLimit: 'cart',
    bindings: { tables: { carts: 'readwrite', catalog: 'read' } },
  },
  {
    method: 'PUT',
    path: '/api/v1/cart/{userId}/items/{productId}',
    handler: 'carts/handlers/http/update-item',
    auth: 'customer',
    rateLimit: 'cart',
    bindings: { tables: { carts: 'readwrite', catalog: 'read' } },
  },
  {
    method: 'DELETE',
    path: '/api/v1/cart/{userId}/items/{productId}',
    handler: 'carts/handlers/http/remove-item',
    auth: 'customer',
    rateLimit: 'cart',
    bindings: { tables: { carts: 'readwrite', catalog: 'read' } },
  },
  {
    method: 'DELETE',
    path: '/api/v1/cart/{userId}',
    handler: 'carts/handlers/http/clear-cart',
    auth: 'customer',
    rateLimit: 'cart',
    bindings: { tables: { carts: 'readwrite' } },
  },
  // Inventory
  {
    method: 'GET',
    path: '/api/v1/inventory/{sku}',
    handler: 'inventory/handlers/http/get-stock',
    auth: 'public',
    bindings: { tables: { inventory: 'read' } },
  },
  {
    method: 'PUT',
    path: '/api/v1/inventory/{sku}',
    handler: 'inventory/handlers/http/set-stock',
    auth: 'admin',
    bindings: { tables: { inventory: 'readwrite' }, events: true },
  },
  {
    method: 'POST',
    path: '/api/v1/inventory/{sku}/reserve',
    handler: 'inventory/handlers/http/reserve',
    auth: 'admin',
    bindings: { tables: { inventory: 'readwrite' }, events: true },
  },
  {
    method: 'POST',
    path: '/api/v1/inventory/{sku}/release',
    handler: 'inventory/handlers/http/release',
    auth: 'admin',
    bindings: { tables: { inventory: 'readwrite' } },
  },
  {
    method: 'GET',
    path: '/api/v1/admin/inventory',
    handler: 'inventory/handlers/http/list-stock',
    auth: 'admin',
    bindings: { tables: { inventory: 'read' } },
  },
  // Orders
  {
    method: 'POST',
    path: '/api/v1/orders',
    handler: 'orders/handlers/http/create-order',
    auth: 'customer',
    rateLimit: 'orders',
    bindings: {
      tables: { orders: 'readwrite', carts: 'read', catalog: 'read' },
      events: true,
      checkout: true,
    },
  },
  {
    method: 'GET',
    path: '/api/v1/orders',
    handler: 'orders/handlers/http/list-orders',
    auth: 'customer',
    bindings: { tables: { orders: 'read' } },
  },
  {
    method: 'GET',
    path: '/api/v1/orders/{id}',
    handler: 'orders/handlers/http/get-order',
    auth: 'customer',
    bindings: { tables: { orders: 'read' } },
  },
  {
    method: 'POST',
    path: '/api/v1/orders/{id}/cancel',
    handler: 'orders/handlers/http/cancel-order',
    auth: 'customer',
    rateLimit: 'orders',
    bindings: { tables: { orders: 'readwrite' }, events: true },
  },
  {
    method: 'POST',
    path: '/api/v1/orders/{id}/ship',
    handler: 'orders/handlers/http/ship-order',
    auth: 'admin',
    bindings: { tables: { orders: 'readwrite' }, events: true },
  },
  {
    method: 'POST',
    path: '/api/v1/orders/{id}/deliver',
    handler: 'orders/handlers/http/deliver-order',
    auth: 'admin',
    bindings: { tables: { orders: 'readwrite' }, events: true },
  },
  {
    // An order that requires attention: back to its status, and a run of the checkout settles it.
    method: 'POST',
    path: '/api/v1/orders/{id}/resolve',
    handler: 'orders/handlers/http/resolve-order',
    auth: 'admin',
    bindings: { tables: { orders: 'readwrite' }, events: true, checkout: true },
  },
  {
    method: 'GET',
    path: '/api/v1/admin/orders',
    handler: 'orders/handlers/http/list-all-orders',
    auth: 'admin',
    bindings: { tables: { orders: 'read' } },
  },
  // Payments
  {
    method: 'POST',
    path: '/api/v1/payments',
    handler: 'payments/handlers/http/pay-order',
    auth: 'customer',
    rateLimit: 'payments',
    bindings: {
      tables: { payments: 'readwrite', orders: 'read' },
      platform: { idempotency: ['payments.charge'] },
      events: true,
    },
    timeout: 30,
  },
  {
    method: 'GET',
    path: '/api/v1/payments/{id}',
    handler: 'payments/handlers/http/get-payment',
    auth: 'customer',
    bindings: { tables: { payments: 'read' } },
  },
]);

/** The Lambda authorizer in front of every route whose level is not public. */
export const authorizer: FunctionSpec = {
  handler: 'users/handlers/http/authorizer',
  // Reads the user's token version and revocations; tallies refusals and leaves security alerts pending.
  bindings: {
    tables: { users: 'read' },
    platform: { audit: ['write'], securityAlerts: ['raise'] },
    signingKey: true,
  },
};

/** The route a REST-proxy event was routed by (API Gateway puts the resource path and method in it). */
export const routeOf = (method: string, resource: string): Route | undefined =>
  routes.find((route) => route.method === method && route.path === resource);
