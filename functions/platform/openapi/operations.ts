import type * as z from 'zod/mini';
import { AddItemBody, CartItemParams, CartParams, UpdateItemBody } from '../../carts/schemas';
import {
  CategoryParams,
  CreateCategoryBody,
  CreateProductBody,
  ListProductsQuery,
  ProductParams,
  UpdateCategoryBody,
  UpdateProductBody,
} from '../../catalog/schemas';
import { ListStockQuery, ReleaseBody, ReserveBody, SetStockBody, SkuParams } from '../../inventory/schemas';
import { CreateOrderBody, ListAllOrdersQuery, ListOrdersQuery, OrderParams } from '../../orders/schemas';
import { PaymentParams, PayOrderBody } from '../../payments/schemas';
import { OverviewQuery } from '../../reporting/schemas';
import { SearchQuery } from '../../search/schemas';
import { ChangePasswordBody, LoginBody, RegisterBody, UpdateProfileBody, ValidateBody } from '../../users/schemas';
import { ListAuditQuery } from '../schemas';
import * as reply from './responses';

/** What a route's handler passes to api(): the very same schema objects (test/unit/platform/openapi.test.ts checks). */
export interface RequestSchemas {
  body?: z.ZodMiniType;
  query?: z.ZodMiniType;
  params?: z.ZodMiniType;
}

/** Status -> what the answer means; for failures, the error codes the operation may answer with that status. */
export type Outcomes = Partial<Record<number, string>>;

/**
 * What the route table cannot say about an operation. Authentication, CSRF, validation, body size and media type,
 * and rate-limit failures follow from the route and its schemas (document.ts adds them); `errors` lists the rest.
 */
export interface OperationDoc {
  summary: string;
  description?: string;
  request?: RequestSchemas;
  responses: Outcomes;
  /** What a success answers with a body (responses.ts). */
  body?: z.ZodMiniType;
  errors?: Outcomes;
  /** The handler honours an `Idempotency-Key` header. */
  idempotencyKey?: boolean;
  /** A public route that reads the session (cookie or bearer token) itself when one is sent. */
  readsSession?: boolean;
  /** Answers a `Set-Cookie` with the session (or clears it). */
  setsSession?: boolean;
}

/** Every route of lib/spec/routes.ts by `METHOD path`. */
export const operations: Record<string, OperationDoc> = {
  'GET /health': {
    summary: 'Health check',
    description:
      "Whether the API can reach its data store. At the API stage's own URL (and the sandbox's): the shop's origin " +
      'sends only `/api/*` to the API.',
    responses: { 200: 'The API and its data store answer' },
    body: reply.Health,
  },
  'GET /api/v1/openapi.json': {
    summary: 'This API description',
    description: 'The OpenAPI 3.1 description of every route, generated from the route table and its zod schemas.',
    responses: { 200: 'The OpenAPI document' },
    body: reply.Description,
  },

  // Catalog
  'GET /api/v1/products': {
    summary: 'List products',
    description: 'Products a page at a time, filtered by category and price range, sorted by name or price.',
    request: { query: ListProductsQuery },
    responses: { 200: 'A page of products: `{"items": [...], "nextCursor": "..." | null}`' },
    body: reply.ProductPage,
  },
  'GET /api/v1/products/{id}': {
    summary: 'Get a product',
    request: { params: ProductParams },
    responses: { 200: 'The product' },
    body: reply.Product,
    errors: { 404: 'PRODUCT_NOT_FOUND' },
  },
  'GET /api/v1/categories': {
    summary: 'List categories',
    responses: { 200: 'Every category: `{"items": [...]}`' },
    body: reply.CategoryList,
  },
  'POST /api/v1/products': {
    summary: 'Create a product',
    description: 'Adds a product to the catalog and, unless its SKU has one, a stock record with 0 available.',
    request: { body: CreateProductBody },
    responses: { 201: 'The new product' },
    body: reply.Product,
    errors: { 409: 'SKU_TAKEN', 422: 'UNKNOWN_CATEGORY' },
  },
  'PUT /api/v1/products/{id}': {
    summary: 'Update a product',
    description: 'Changes any subset of the fields; the SKU never changes.',
    request: { body: UpdateProductBody, params: ProductParams },
    responses: { 200: 'The updated product' },
    body: reply.Product,
    errors: { 404: 'PRODUCT_NOT_FOUND', 409: 'CONCURRENT_UPDATE', 422: 'UNKNOWN_CATEGORY' },
  },
  'DELETE /api/v1/products/{id}': {
    summary: 'Withdraw a product',
    description: 'A soft delete: the product leaves listings and search; past orders still find it by id.',
    request: { params: ProductParams },
    responses: { 204: 'Withdrawn' },
    errors: { 404: 'PRODUCT_NOT_FOUND' },
  },
  'POST /api/v1/categories': {
    summary: 'Create a category',
    description: "The category's id is derived from its name.",
    request: { body: CreateCategoryBody },
    responses: { 201: 'The new category' },
    body: reply.Category,
    errors: { 409: 'CATEGORY_EXISTS' },
  },
  'PUT /api/v1/categories': {
    summary: 'Create or replace a category',
    description: 'Creates the category the body names, or replaces the name and description of the existing one.',
    request: { body: CreateCategoryBody },
    responses: { 200: 'The replaced category', 201: 'The new category' },
    body: reply.Category,
  },
  'PUT /api/v1/categories/{id}': {
    summary: 'Update a category',
    request: { body: UpdateCategoryBody, params: CategoryParams },
    responses: { 200: 'The updated category' },
    body: reply.Category,
    errors: { 404: 'CATEGORY_NOT_FOUND', 422: 'CATEGORY_RENAME_UNSUPPORTED' },
  },

  // Search
  'GET /api/v1/search': {
    summary: 'Search products',
    description:
      'Full-text search with facets (categories, brands, price buckets). Filters of different facets combine with ' +
      'AND, values of one facet with OR; list parameters are comma-separated (`\\,` for a comma inside a value).',
    request: { query: SearchQuery },
    responses: { 200: 'A page of results with the facet counts and the next cursor' },
    body: reply.SearchResults,
  },

  // Users
  'POST /api/v1/auth/register': {
    summary: 'Register',
    description: 'Creates a customer account and signs it in.',
    request: { body: RegisterBody },
    responses: { 201: 'The new user and a session token: `{"user": {...}, "token": "..."}`' },
    body: reply.SignedIn,
    errors: { 409: 'EMAIL_TAKEN' },
    setsSession: true,
  },
  'POST /api/v1/auth/login': {
    summary: 'Sign in',
    request: { body: LoginBody },
    responses: { 200: 'The user and a session token: `{"user": {...}, "token": "..."}`' },
    body: reply.SignedIn,
    errors: {
      401: 'INVALID_CREDENTIALS (unknown email and wrong password look the same)',
      429: 'TOO_MANY_LOGIN_ATTEMPTS: too many failed sign-ins for the account or from the address',
    },
    setsSession: true,
  },
  'POST /api/v1/auth/logout': {
    summary: 'Sign out',
    description: 'Revokes the session token and clears the session cookie.',
    responses: { 204: 'Signed out' },
    setsSession: true,
  },
  'POST /api/v1/auth/validate': {
    summary: 'Validate a session token',
    description: 'Checks the token in the body, else the Authorization header, else the session cookie.',
    request: { body: ValidateBody },
    responses: { 200: 'The token\'s claims: `{"valid": true, "claims": {"sub", "role", "jti", "iat", "exp"}}`' },
    body: reply.TokenClaims,
    errors: { 401: 'INVALID_TOKEN: no token, or one that is invalid, revoked or expired' },
    readsSession: true,
  },
  'GET /api/v1/auth/session': {
    summary: 'Current session',
    description: 'Who the caller is: `{"user": {...}}` with a valid session, `{"user": null}` for a guest.',
    responses: { 200: 'The signed-in user, or null' },
    body: reply.CurrentSession,
    readsSession: true,
  },
  'GET /api/v1/users/profile': {
    summary: 'Get my profile',
    responses: { 200: 'The signed-in user' },
    body: reply.User,
    errors: { 404: 'USER_NOT_FOUND' },
  },
  'PUT /api/v1/users/profile': {
    summary: 'Update my profile',
    request: { body: UpdateProfileBody },
    responses: { 200: 'The updated user' },
    body: reply.User,
    errors: { 404: 'USER_NOT_FOUND' },
  },
  'POST /api/v1/users/change-password': {
    summary: 'Change my password',
    description: 'Ends every other session; this one goes on with the fresh token returned (and set as the cookie).',
    request: { body: ChangePasswordBody },
    responses: { 200: 'The user and the fresh session token' },
    body: reply.SignedIn,
    errors: { 400: 'WRONG_PASSWORD: the current password is incorrect' },
    setsSession: true,
  },

  // Admin reports
  'GET /api/v1/admin/audit': {
    summary: 'List the audit log',
    description: 'Auth events and admin operations, newest first, filtered by actor, type and time range.',
    request: { query: ListAuditQuery },
    responses: { 200: 'A page of audit records' },
    body: reply.AuditPage,
  },
  'GET /api/v1/admin/overview': {
    summary: 'Dashboard overview',
    description: "Today's and the last 30 days' order counters and revenue, failures by reason, and low stock.",
    request: { query: OverviewQuery },
    responses: { 200: 'The overview' },
    body: reply.Overview,
  },

  // Cart
  'GET /api/v1/cart/{userId}': {
    summary: 'Get a cart',
    description: 'The owner or an admin. Prices come from the catalog.',
    request: { params: CartParams },
    responses: { 200: 'The cart with its lines and totals' },
    body: reply.Cart,
  },
  'POST /api/v1/cart/{userId}/items': {
    summary: 'Add to a cart',
    description:
      "Adds the quantity to the product's line. Only `productId` and `quantity` are used: `sku`, `name` and `price` " +
      'come from the catalog (sent ones are checked for type and size, then ignored).',
    request: { body: AddItemBody, params: CartParams },
    responses: { 200: 'The cart' },
    body: reply.Cart,
    errors: {
      404: 'PRODUCT_NOT_FOUND',
      409: 'CART_BUSY: the cart changed concurrently, retry',
      422: 'QUANTITY_LIMIT, CART_FULL, CURRENCY_MISMATCH',
    },
  },
  'PUT /api/v1/cart/{userId}/items/{productId}': {
    summary: "Set a line's quantity",
    description: 'A quantity of 0 removes the line.',
    request: { body: UpdateItemBody, params: CartItemParams },
    responses: { 200: 'The cart' },
    body: reply.Cart,
    errors: { 404: 'ITEM_NOT_IN_CART', 409: 'CART_BUSY' },
  },
  'DELETE /api/v1/cart/{userId}/items/{productId}': {
    summary: 'Remove a line',
    request: { params: CartItemParams },
    responses: { 200: 'The cart' },
    body: reply.Cart,
    errors: { 404: 'ITEM_NOT_IN_CART', 409: 'CART_BUSY' },
  },
  'DELETE /api/v1/cart/{userId}': {
    summary: 'Empty a cart',
    request: { params: CartParams },
    responses: { 204: 'Emptied' },
  },

  // Inventory
  'GET /api/v1/inventory/{sku}': {
    summary: 'Get stock',
    request: { params: SkuParams },
    responses: { 200: 'Available and reserved units of the SKU' },
    body: reply.Stock,
    errors: { 404: 'STOCK_NOT_FOUND' },
  },
  'PUT /api/v1/inventory/{sku}': {
    summary: 'Set stock',
    request: { body: SetStockBody, params: SkuParams },
    responses: { 200: 'The stock' },
    body: reply.Stock,
    errors: { 404: 'STOCK_NOT_FOUND', 409: 'STOCK_CONTENTION' },
  },
  'POST /api/v1/inventory/{sku}/reserve': {
    summary: 'Reserve stock for an order',
    request: { body: ReserveBody, params: SkuParams },
    responses: { 200: 'The reservation the order holds already', 201: 'The new reservation' },
    body: reply.Reservation,
    errors: { 404: 'STOCK_NOT_FOUND', 409: 'OUT_OF_STOCK, RESERVATION_CONFLICT, STOCK_CONTENTION' },
  },
  'POST /api/v1/inventory/{sku}/release': {
    summary: "Release an order's reservation",
    request: { body: ReleaseBody, params: SkuParams },
    responses: { 200: 'The released reservation' },
    body: reply.Reservation,
    errors: { 404: 'RESERVATION_NOT_FOUND', 409: 'INVALID_TRANSITION, STOCK_CONTENTION' },
  },
  'GET /api/v1/admin/inventory': {
    summary: 'List stock',
    description: "Every SKU's stock, or only those with fewer than `below` available.",
    request: { query: ListStockQuery },
    responses: { 200: 'A page of stock records' },
    body: reply.StockPage,
  },

  // Orders
  'POST /api/v1/orders': {
    summary: 'Place an order',
    description:
      "Orders the caller's cart (prices from the catalog) and starts the checkout: reserve stock, charge, confirm. " +
      'The order answers PENDING; follow its status at the Location. With an `Idempotency-Key`, a retry answers the ' +
      'same order instead of placing another.',
    request: { body: CreateOrderBody },
    responses: { 202: 'The order, PENDING; Location names it' },
    body: reply.Order,
    errors: {
      422: 'CART_EMPTY, PRODUCT_UNAVAILABLE, MIXED_CURRENCIES, IDEMPOTENCY_KEY_REUSED (the key with another body)',
    },
    idempotencyKey: true,
  },
  'GET /api/v1/orders': {
    summary: 'List orders',
    description: "A user's orders, newest first: the caller's own, or (admins) any user's by `userId`.",
    request: { query: ListOrdersQuery },
    responses: { 200: 'A page of orders' },
    body: reply.OrderPage,
  },
  'GET /api/v1/orders/{id}': {
    summary: 'Get an order',
    description: 'With its status history. The owner or an admin; anyone else gets 404.',
    request: { params: OrderParams },
    responses: { 200: 'The order' },
    body: reply.Order,
    errors: { 404: 'ORDER_NOT_FOUND' },
  },
  'POST /api/v1/orders/{id}/cancel': {
    summary: 'Cancel an order',
    description:
      'From PENDING or CONFIRMED: the payment is refunded and the stock released (by the checkout, or by a run of its own if the checkout no longer runs).',
    request: { params: OrderParams },
    responses: { 200: 'The cancelled order' },
    body: reply.Order,
    errors: { 404: 'ORDER_NOT_FOUND', 409: 'INVALID_TRANSITION' },
  },
  'POST /api/v1/orders/{id}/ship': {
    summary: 'Ship an order',
    request: { params: OrderParams },
    responses: { 200: 'The shipped order' },
    body: reply.Order,
    errors: { 404: 'ORDER_NOT_FOUND', 409: 'INVALID_TRANSITION' },
  },
  'POST /api/v1/orders/{id}/deliver': {
    summary: 'Mark an order delivered',
    request: { params: OrderParams },
    responses: { 200: 'The delivered order' },
    body: reply.Order,
    errors: { 404: 'ORDER_NOT_FOUND', 409: 'INVALID_TRANSITION' },
  },
  'POST /api/v1/orders/{id}/resolve': {
    summary: 'Resolve an order that requires attention',
    description:
      'Admin. The order goes back to the status it had (`attention.from`) and a run of the checkout does what was left undone: refund and release the stock of an order that was not confirmed, or commit the stock of one that was. Should a step fail again, the order requires attention again.',
    request: { params: OrderParams },
    responses: { 200: 'The order, back in the status it had' },
    body: reply.Order,
    errors: { 404: 'ORDER_NOT_FOUND', 409: 'INVALID_TRANSITION' },
  },
  'GET /api/v1/admin/orders': {
    summary: 'List all orders',
    description:
      'Every order, or those in one status (`REQUIRES_ATTENTION`: those an admin must resolve), newest first.',
    request: { query: ListAllOrdersQuery },
    responses: { 200: 'A page of orders' },
    body: reply.OrderPage,
  },

  // Payments
  'POST /api/v1/payments': {
    summary: 'Pay an order',
    description: 'Pays an order awaiting payment. Idempotent per order: paying a paid order answers its payment.',
    request: { body: PayOrderBody },
    responses: { 200: 'The payment the order has already', 201: 'The new payment' },
    body: reply.Payment,
    errors: {
      404: 'ORDER_NOT_FOUND',
      409: 'ORDER_NOT_PAYABLE, PAYMENT_IN_PROGRESS',
      422: 'PAYMENT_DECLINED, INSUFFICIENT_FUNDS, PAYMENT_PROVIDER_TIMEOUT',
    },
  },
  'GET /api/v1/payments/{id}': {
    summary: 'Get a payment',
    description: 'The payer or an admin; anyone else gets 404.',
    request: { params: PaymentParams },
    responses: { 200: 'The payment' },
    body: reply.Payment,
    errors: { 404: 'PAYMENT_NOT_FOUND' },
  },
};
