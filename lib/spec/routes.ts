import type { FunctionSpec } from './bindings';

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
 * Every route's api() wrapper writes the audit trail (refusals, server errors, pending security alerts), so
 * every route's function is bound to `audit`, whatever else it declares.
 */
const withAuditTrail = (table: Route[]): Route[] =>
  table.map((route) => ({ ...route, bindings: { ...route.bindings, audit: true } }));

/** The route table: CDK builds the REST API from it and the sandbox routes requests with it. */
export const routes: Route[] = withAuditTrail([
  {
    method: 'GET',
    path: '/health',
    handler: 'platform/handlers/http/health',
    auth: 'public',
    bindings: { tables: { platform: 'read' } },
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
    bindings: { tables: { catalog: 'readwrite', inventory: 'readwrite', platform: 'readwrite' }, events: true },
  },
  {
    method: 'PUT',
    path: '/api/v1/products/{id}',
    handler: 'catalog/handlers/http/update-product',
    auth: 'admin',
    bindings: { tables: { catalog: 'readwrite', platform: 'readwrite' }, events: true },
  },
  {
    method: 'DELETE',
    path: '/api/v1/products/{id}',
    handler: 'catalog/handlers/http/delete-product',
    auth: 'admin',
    bindings: { tables: { catalog: 'readwrite', platform: 'readwrite' }, events: true },
  },
  {
    method: 'POST',
    path: '/api/v1/categories',
    handler: 'catalog/handlers/http/create-category',
    auth: 'admin',
    bindings: { tables: { catalog: 'readwrite', platform: 'readwrite' } },
  },
  {
    // Creates the category the body names, or replaces its name and description.
    method: 'PUT',
    path: '/api/v1/categories',
    handler: 'catalog/handlers/http/put-category',
    auth: 'admin',
    bindings: { tables: { catalog: 'readwrite', platform: 'readwrite' } },
  },
  {
    method: 'PUT',
    path: '/api/v1/categories/{id}',
    handler: 'catalog/handlers/http/update-category',
    auth: 'admin',
    bindings: { tables: { catalog: 'readwrite', platform: 'readwrite' } },
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
    bindings: { tables: { users: 'readwrite', platform: 'readwrite' }, events: true, signingKey: true },
  },
  {
    method: 'POST',
    path: '/api/v1/auth/login',
    handler: 'users/handlers/http/login',
    auth: 'public',
    rateLimit: 'auth',
    bindings: { tables: { users: 'read', platform: 'readwrite' }, signingKey: true },
  },
  {
    method: 'POST',
    path: '/api/v1/auth/logout',
    handler: 'users/handlers/http/logout',
    auth: 'customer',
    bindings: { tables: { users: 'readwrite', platform: 'readwrite' } },
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
    bindings: { tables: { users: 'readwrite', platform: 'readwrite' } },
  },
  {
    method: 'POST',
    path: '/api/v1/users/change-password',
    handler: 'users/handlers/http/change-password',
    auth: 'customer',
    rateLimit: 'auth',
    bindings: { tables: { users: 'readwrite', platform: 'readwrite' }, signingKey: true },
  },
  {
    method: 'GET',
    path: '/api/v1/admin/audit',
    handler: 'platform/handlers/http/list-audit',
    auth: 'admin',
    bindings: { tables: { platform: 'readwrite' } },
  },
  {
    // The daily counters (platform) and the SKUs running low (inventory); platform is read-write for the audit.
    method: 'GET',
    path: '/api/v1/admin/overview',
    handler: 'reporting/handlers/http/get-overview',
    auth: 'admin',
    bindings: { tables: { platform: 'readwrite', inventory: 'read' } },
  },
  // Cart: the owner or an admin (checked in the handler).
  {
    method: 'GET',
    path: '/api/v1/cart/{userId}',
    handler: 'carts/handlers/http/get-cart',
    auth: 'customer',
    rateLimit: 'cart',
    bindings: { tables: { carts: 'read', catalog: 'read', platform: 'readwrite' } },
  },
  {
    method: 'POST',
    path: '/api/v1/cart/{userId}/items',
    handler: 'carts/handlers/http/add-item',
    auth: 'customer',
    rateLimit: 'cart',
    bindings: { tables: { carts: 'readwrite', catalog: 'read', platform: 'readwrite' } },
  },
  {
    method: 'PUT',
    path: '/api/v1/cart/{userId}/items/{productId}',
    handler: 'carts/handlers/http/update-item',
    auth: 'customer',
    rateLimit: 'cart',
    bindings: { tables: { carts: 'readwrite', catalog: 'read', platform: 'readwrite' } },
  },
  {
    method: 'DELETE',
    path: '/api/v1/cart/{userId}/items/{productId}',
    handler: 'carts/handlers/http/remove-item',
    auth: 'customer',
    rateLimit: 'cart',
    bindings: { tables: { carts: 'readwrite', catalog: 'read', platform: 'readwrite' } },
  },
  {
    method: 'DELETE',
    path: '/api/v1/cart/{userId}',
    handler: 'carts/handlers/http/clear-cart',
    auth: 'customer',
    rateLimit: 'cart',
    bindings: { tables: { carts: 'readwrite', platform: 'readwrite' } },
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
    bindings: { tables: { inventory: 'readwrite', platform: 'readwrite' }, events: true },
  },
  {
    method: 'POST',
    path: '/api/v1/inventory/{sku}/reserve',
    handler: 'inventory/handlers/http/reserve',
    auth: 'admin',
    bindings: { tables: { inventory: 'readwrite', platform: 'readwrite' }, events: true },
  },
  {
    method: 'POST',
    path: '/api/v1/inventory/{sku}/release',
    handler: 'inventory/handlers/http/release',
    auth: 'admin',
    bindings: { tables: { inventory: 'readwrite', platform: 'readwrite' } },
  },
  {
    method: 'GET',
    path: '/api/v1/admin/inventory',
    handler: 'inventory/handlers/http/list-stock',
    auth: 'admin',
    bindings: { tables: { inventory: 'read', platform: 'readwrite' } },
  },
  // Orders
  {
    method: 'POST',
    path: '/api/v1/orders',
    handler: 'orders/handlers/http/create-order',
    auth: 'customer',
    rateLimit: 'orders',
    bindings: {
      tables: { orders: 'readwrite', carts: 'read', catalog: 'read', platform: 'readwrite' },
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
    bindings: { tables: { orders: 'readwrite', platform: 'readwrite' }, events: true },
  },
  {
    method: 'POST',
    path: '/api/v1/orders/{id}/ship',
    handler: 'orders/handlers/http/ship-order',
    auth: 'admin',
    bindings: { tables: { orders: 'readwrite', platform: 'readwrite' }, events: true },
  },
  {
    method: 'POST',
    path: '/api/v1/orders/{id}/deliver',
    handler: 'orders/handlers/http/deliver-order',
    auth: 'admin',
    bindings: { tables: { orders: 'readwrite', platform: 'readwrite' }, events: true },
  },
  {
    method: 'GET',
    path: '/api/v1/admin/orders',
    handler: 'orders/handlers/http/list-all-orders',
    auth: 'admin',
    bindings: { tables: { orders: 'read', platform: 'readwrite' } },
  },
  // Payments
  {
    method: 'POST',
    path: '/api/v1/payments',
    handler: 'payments/handlers/http/pay-order',
    auth: 'customer',
    rateLimit: 'payments',
    bindings: { tables: { payments: 'readwrite', orders: 'read', platform: 'readwrite' }, events: true },
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
  bindings: { tables: { users: 'read', platform: 'readwrite' }, signingKey: true, audit: true },
};

/** The route a REST-proxy event was routed by (API Gateway puts the resource path and method in it). */
export const routeOf = (method: string, resource: string): Route | undefined =>
  routes.find((route) => route.method === method && route.path === resource);
