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
];

/** The Lambda authorizer in front of every route whose level is not public. */
export const authorizer: FunctionSpec = {
  handler: 'users/handlers/authorizer',
  bindings: { signingKey: true },
};
