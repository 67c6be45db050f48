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

/** The route table: CDK builds the REST API from it and the sandbox routes requests with it. */
export const routes: Route[] = [
  {
    method: 'GET',
    path: '/health',
    handler: 'platform/handlers/health',
    auth: 'public',
    bindings: { tables: { platform: 'read' } },
  },
  {
    method: 'GET',
    path: '/api/v1/products',
    handler: 'catalog/handlers/list-products',
    auth: 'public',
    bindings: { tables: { catalog: 'read' } },
  },
  {
    method: 'GET',
    path: '/api/v1/products/{id}',
    handler: 'catalog/handlers/get-product',
    auth: 'public',
    bindings: { tables: { catalog: 'read' } },
  },
  {
    method: 'GET',
    path: '/api/v1/categories',
    handler: 'catalog/handlers/list-categories',
    auth: 'public',
    bindings: { tables: { catalog: 'read' } },
  },
  // Catalog management (admin); inventory gets the new product's stock record.
  {
    method: 'POST',
    path: '/api/v1/products',
    handler: 'catalog/handlers/create-product',
    auth: 'admin',
    bindings: { tables: { catalog: 'readwrite', inventory: 'readwrite', platform: 'readwrite' }, events: true },
  },
  {
    method: 'PUT',
    path: '/api/v1/products/{id}',
    handler: 'catalog/handlers/update-product',
    auth: 'admin',
    bindings: { tables: { catalog: 'readwrite', platform: 'readwrite' }, events: true },
  },
  {
    method: 'DELETE',
    path: '/api/v1/products/{id}',
    handler: 'catalog/handlers/delete-product',
    auth: 'admin',
    bindings: { tables: { catalog: 'readwrite', platform: 'readwrite' }, events: true },
  },
  {
    method: 'POST',
    path: '/api/v1/categories',
    handler: 'catalog/handlers/create-category',
    auth: 'admin',
    bindings: { tables: { catalog: 'readwrite', platform: 'readwrite' } },
  },
  {
    // Creates the category the body names, or replaces its name and description.
    method: 'PUT',
    path: '/api/v1/categories',
    handler: 'catalog/handlers/put-category',
    auth: 'admin',
    bindings: { tables: { catalog: 'readwrite', platform: 'readwrite' } },
  },
  {
    method: 'PUT',
    path: '/api/v1/categories/{id}',
    handler: 'catalog/handlers/update-category',
    auth: 'admin',
    bindings: { tables: { catalog: 'readwrite', platform: 'readwrite' } },
  },
  // Product search reads the index, not the table (CQRS).
  {
    method: 'GET',
    path: '/api/v1/search',
    handler: 'search/handlers/search-products',
    auth: 'public',
    bindings: { search: 'read' },
  },
  {
    method: 'POST',
    path: '/api/v1/auth/register',
    handler: 'users/handlers/register',
    auth: 'public',
    rateLimit: 'auth',
    bindings: { tables: { users: 'readwrite', platform: 'readwrite' }, events: true, signingKey: true },
  },
  {
    method: 'POST',
    path: '/api/v1/auth/login',
    handler: 'users/handlers/login',
    auth: 'public',
    rateLimit: 'auth',
    bindings: { tables: { users: 'read', platform: 'readwrite' }, signingKey: true },
  },
  {
    method: 'POST',
    path: '/api/v1/auth/logout',
    handler: 'users/handlers/logout',
    auth: 'customer',
    bindings: { tables: { users: 'readwrite', platform: 'readwrite' } },
  },
  {
    method: 'POST',
    path: '/api/v1/auth/validate',
    handler: 'users/handlers/validate',
    auth: 'public',
    bindings: { tables: { users: 'read' }, signingKey: true },
  },
  {
    // The web app's "who am I": a guest is {"user": null}, not a 401.
    method: 'GET',
    path: '/api/v1/auth/session',
    handler: 'users/handlers/get-session',
    auth: 'public',
    bindings: { tables: { users: 'read' }, signingKey: true },
  },
  {
    method: 'GET',
    path: '/api/v1/users/profile',
    handler: 'users/handlers/get-profile',
    auth: 'customer',
    bindings: { tables: { users: 'read' } },
  },
  {
    method: 'PUT',
    path: '/api/v1/users/profile',
    handler: 'users/handlers/update-profile',
    auth: 'customer',
    bindings: { tables: { users: 'readwrite', platform: 'readwrite' } },
  },
  {
    method: 'POST',
    path: '/api/v1/users/change-password',
    handler: 'users/handlers/change-password',
    auth: 'customer',
    rateLimit: 'auth',
    bindings: { tables: { users: 'readwrite', platform: 'readwrite' }, signingKey: true },
  },
  {
    method: 'GET',
    path: '/api/v1/admin/audit',
    handler: 'platform/handlers/list-audit',
    auth: 'admin',
    bindings: { tables: { platform: 'readwrite' } },
  },
  {
    // The daily counters (platform) and the SKUs running low (inventory); platform is read-write for the audit.
    method: 'GET',
    path: '/api/v1/admin/overview',
    handler: 'reporting/handlers/get-overview',
    auth: 'admin',
    bindings: { tables: { platform: 'readwrite', inventory: 'read' } },
  },
  // Cart: the owner or an admin (checked in the handler).
  {
    method: 'GET',
    path: '/api/v1/cart/{userId}',
    handler: 'carts/handlers/get-cart',
    auth: 'customer',
    rateLimit: 'cart',
    bindings: { tables: { carts: 'read', catalog: 'read', platform: 'readwrite' } },
  },
  {
    method: 'POST',
    path: '/api/v1/cart/{userId}/items',
    handler: 'carts/handlers/add-item',
    auth: 'customer',
    rateLimit: 'cart',
    bindings: { tables: { carts: 'readwrite', catalog: 'read', platform: 'readwrite' } },
  },
  {
    method: 'PUT',
    path: '/api/v1/cart/{userId}/items/{productId}',
    handler: 'carts/handlers/update-item',
    auth: 'customer',
    rateLimit: 'cart',
    bindings: { tables: { carts: 'readwrite', catalog: 'read', platform: 'readwrite' } },
  },
  {
    method: 'DELETE',
    path: '/api/v1/cart/{userId}/items/{productId}',
    handler: 'carts/handlers/remove-item',
    auth: 'customer',
    rateLimit: 'cart',
    bindings: { tables: { carts: 'readwrite', catalog: 'read', platform: 'readwrite' } },
  },
  {
    method: 'DELETE',
    path: '/api/v1/cart/{userId}',
    handler: 'carts/handlers/clear-cart',
    auth: 'customer',
    rateLimit: 'cart',
    bindings: { tables: { carts: 'readwrite', platform: 'readwrite' } },
  },
  // Inventory
  {
    method: 'GET',
    path: '/api/v1/inventory/{sku}',
    handler: 'inventory/handlers/get-stock',
    auth: 'public',
    bindings: { tables: { inventory: 'read' } },
  },
  {
    method: 'PUT',
    path: '/api/v1/inventory/{sku}',
    handler: 'inventory/handlers/set-stock',
    auth: 'admin',
    bindings: { tables: { inventory: 'readwrite', platform: 'readwrite' }, events: true },
  },
  {
    method: 'POST',
    path: '/api/v1/inventory/{sku}/reserve',
    handler: 'inventory/handlers/reserve',
    auth: 'admin',
    bindings: { tables: { inventory: 'readwrite', platform: 'readwrite' }, events: true },
  },
  {
    method: 'POST',
    path: '/api/v1/inventory/{sku}/release',
    handler: 'inventory/handlers/release',
    auth: 'admin',
    bindings: { tables: { inventory: 'readwrite', platform: 'readwrite' } },
  },
  {
    method: 'GET',
    path: '/api/v1/admin/inventory',
    handler: 'inventory/handlers/list-stock',
    auth: 'admin',
    bindings: { tables: { inventory: 'read', platform: 'readwrite' } },
  },
  // Orders
  {
    method: 'POST',
    path: '/api/v1/orders',
    handler: 'orders/handlers/create-order',
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
    handler: 'orders/handlers/list-orders',
    auth: 'customer',
    bindings: { tables: { orders: 'read' } },
  },
  {
    method: 'GET',
    path: '/api/v1/orders/{id}',
    handler: 'orders/handlers/get-order',
    auth: 'customer',
    bindings: { tables: { orders: 'read' } },
  },
  {
    method: 'POST',
    path: '/api/v1/orders/{id}/cancel',
    handler: 'orders/handlers/cancel-order',
    auth: 'customer',
    rateLimit: 'orders',
    bindings: { tables: { orders: 'readwrite', platform: 'readwrite' }, events: true },
  },
  {
    method: 'POST',
    path: '/api/v1/orders/{id}/ship',
    handler: 'orders/handlers/ship-order',
    auth: 'admin',
    bindings: { tables: { orders: 'readwrite', platform: 'readwrite' }, events: true },
  },
  {
    method: 'POST',
    path: '/api/v1/orders/{id}/deliver',
    handler: 'orders/handlers/deliver-order',
    auth: 'admin',
    bindings: { tables: { orders: 'readwrite', platform: 'readwrite' }, events: true },
  },
  {
    method: 'GET',
    path: '/api/v1/admin/orders',
    handler: 'orders/handlers/list-all-orders',
    auth: 'admin',
    bindings: { tables: { orders: 'read', platform: 'readwrite' } },
  },
  // Payments
  {
    method: 'POST',
    path: '/api/v1/payments',
    handler: 'payments/handlers/pay-order',
    auth: 'customer',
    rateLimit: 'payments',
    bindings: { tables: { payments: 'readwrite', orders: 'read', platform: 'readwrite' }, events: true },
    timeout: 30,
  },
  {
    method: 'GET',
    path: '/api/v1/payments/{id}',
    handler: 'payments/handlers/get-payment',
    auth: 'customer',
    bindings: { tables: { payments: 'read' } },
  },
];

/** The Lambda authorizer in front of every route whose level is not public. */
export const authorizer: FunctionSpec = {
  handler: 'users/handlers/authorizer',
  // Reads the user's token version and revocations; audits rejected tokens.
  bindings: { tables: { users: 'read', platform: 'readwrite' }, signingKey: true },
};

/** The route a REST-proxy event was routed by (API Gateway puts the resource path and method in it). */
export const routeOf = (method: string, resource: string): Route | undefined =>
  routes.find((route) => route.method === method && route.path === resource);
