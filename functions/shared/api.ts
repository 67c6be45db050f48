import middy, { type MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type * as z from 'zod/mini';
import { rateLimits } from '../../lib/spec/rate-limits';
import { routeOf } from '../../lib/spec/routes';
import { auditLog } from './audit';
import { config } from './config';
import { csrfRejection, isJsonContentType } from './csrf';
import {
  BadRequestError,
  CsrfRejectedError,
  DomainError,
  PayloadTooLargeError,
  RateLimitedError,
  UnauthorizedError,
  UnsupportedMediaTypeError,
} from './errors';
import { errorBody, type HttpResponse, toProxyResult } from './http';
import { logger } from './logger';
import { isOwnershipRefusal } from './ownership';
import { type RateLimitState, rateLimiter } from './rate-limit';
import { securityAlerts } from './security-alerts';
import { parse } from './validation';

export type Role = 'customer' | 'admin';

export interface Principal {
  userId: string;
  role: Role;
  /** The session token's id and expiry (epoch seconds), as the authorizer verified them. */
  tokenId?: string;
  tokenExpiresAt?: number;
}

export interface ApiRequest<Body = undefined, Query = undefined, Params = undefined> {
  body: Body;
  query: Query;
  params: Params;
  principal: Principal | undefined;
  headers: Record<string, string>;
  requestId: string;
  correlationId: string;
  sourceIp: string;
  userAgent: string;
  /** The Lambda context of this invocation (remaining time, request id). */
  lambdaContext: Context;
}

export interface ApiOptions<Body, Query, Params> {
  body?: z.ZodMiniType<Body>;
  query?: z.ZodMiniType<Query>;
  params?: z.ZodMiniType<Params>;
}

/** Larger bodies are refused before parsing; no endpoint takes more. */
export const MAX_BODY_BYTES = 64 * 1024;

const CORRELATION_ID = /^[A-Za-z0-9._:-]{1,128}$/;

type ParsedEvent<B, Q, P> = APIGatewayProxyEvent & { parsed?: ApiRequest<B, Q, P>; rateLimit?: RateLimitState };
type AnyEvent = ParsedEvent<unknown, unknown, unknown>;
type Middleware = MiddlewareObj<AnyEvent, APIGatewayProxyResult>;

const limiter = rateLimiter();
const audit = auditLog();
const alerts = securityAlerts();

const lowerCaseHeaders = (headers: APIGatewayProxyEvent['headers']): Record<string, string> => {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {}))
    if (value !== undefined) result[name.toLowerCase()] = value;
  return result;
};

/** The JSON body, or undefined without one; a body not declared as JSON is refused (415) unread. */
const readBody = (event: APIGatewayProxyEvent, contentType: string | undefined): unknown => {
  if (event.body === null || event.body === undefined || event.body === '') return undefined;
  if (!isJsonContentType(contentType)) throw new UnsupportedMediaTypeError('Send the request body as application/json');
  const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  if (Buffer.byteLength(text) > MAX_BODY_BYTES) {
    throw new PayloadTooLargeError(`Request body exceeds ${MAX_BODY_BYTES} bytes`);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new BadRequestError('INVALID_JSON', 'Request body is not valid JSON');
  }
};

const principalOf = (event: APIGatewayProxyEvent): Principal | undefined => {
  const context = event.requestContext.authorizer;
  const userId = context?.userId;
  const role = context?.role;
  if (typeof userId !== 'string' || (role !== 'customer' && role !== 'admin')) return undefined;
  const tokenId = context?.tokenId;
  const tokenExpiresAt = Number(context?.tokenExpiresAt);
  return {
    userId,
    role,
    ...(typeof tokenId === 'string' && { tokenId }),
    ...(Number.isFinite(tokenExpiresAt) && { tokenExpiresAt }),
  };
};

const parseRequest = <B, Q, P>(options: ApiOptions<B, Q, P>): MiddlewareObj<ParsedEvent<B, Q, P>> => ({
  before: (request) => {
    const event = request.event;
    const headers = lowerCaseHeaders(event.headers);
    const principal = principalOf(event);
    // Before anything is read: a cookie-authenticated change must prove it came from the shop's own pages.
    const rejection = csrfRejection({
      method: event.httpMethod,
      headers,
      authenticated: principal !== undefined,
      trustedOrigins: config.corsOrigins,
    });
    if (rejection) throw new CsrfRejectedError(rejection);
    const correlationHeader = headers['x-correlation-id'];
    const rawBody = readBody(event, headers['content-type']);
    event.parsed = {
      body: (options.body ? parse(options.body, rawBody, 'request body') : undefined) as B,
      query: (options.query ? parse(options.query, event.queryStringParameters ?? {}, 'query') : undefined) as Q,
      params: (options.params ? parse(options.params, event.pathParameters ?? {}, 'path') : undefined) as P,
      principal,
      headers,
      requestId: event.requestContext.requestId,
      correlationId:
        correlationHeader && CORRELATION_ID.test(correlationHeader)
          ? correlationHeader
          : event.requestContext.requestId,
      sourceIp: event.requestContext.identity.sourceIp,
      userAgent: headers['user-agent'] ?? '',
      lambdaContext: request.context,
    };
    logger.appendKeys({ requestId: event.parsed.requestId, correlationId: event.parsed.correlationId });
  },
});

/** Maps domain errors to their status and code; anything else is logged and becomes a generic 500. */
const httpErrors = (): Middleware => ({
  onError: (request) => {
    const error = request.error;
    if (error instanceof DomainError) {
      if (error.status >= 500) logger.error('request failed', { error });
      request.response = toProxyResult({
        statusCode: error.status,
        body: errorBody(error.code, error.message, error.details),
        ...(error instanceof RateLimitedError && { headers: { 'Retry-After': String(error.retryAfterSeconds) } }),
      });
      return;
    }
    logger.error('unhandled error', { error: error ?? 'unknown' });
    request.response = toProxyResult({
      statusCode: 500,
      body: errorBody('INTERNAL_ERROR', 'An unexpected error occurred'),
    });
  },
});

/**
 * Per-client-IP limits of the route's class (lib/spec/routes.ts, lib/spec/rate-limits.ts), counted in the
 * platform table; over the limit is a 429 with Retry-After.
 */
const rateLimit = (): Middleware => ({
  before: async (request) => {
    const event = request.event;
    const route = routeOf(event.httpMethod, event.resource);
    if (!route?.rateLimit || !config.rateLimitsEnabled) return;
    const rule = rateLimits[route.rateLimit];
    const windowSeconds = config.rateLimitWindowSeconds ?? rule.windowSeconds;
    const ip = event.requestContext.identity.sourceIp;
    event.rateLimit = await limiter.hit(`${route.rateLimit}#${ip}`, { limit: rule.limit, windowSeconds });
    if (!event.rateLimit.allowed) {
      throw new RateLimitedError('Too many requests, retry later', event.rateLimit.resetSeconds);
    }
  },
});

type Finished = {
  event: AnyEvent;
  response: APIGatewayProxyResult | null | undefined;
  error?: unknown;
};

/**
 * What the audit log keeps of a request, whatever its outcome: every call of an admin route; a refusal of
 * someone else's resource (tallied per IP and minute, and counted towards the refusals alert); and every 5xx.
 * A failed audit write is logged and never changes the response.
 */
const auditTrail = (): Middleware => {
  const record = async (request: Finished) => {
    const { event, error } = request;
    const route = routeOf(event.httpMethod, event.resource);
    const status = request.response?.statusCode ?? 500;
    const actor = event.requestContext.authorizer?.userId;
    const who = {
      ...(typeof actor === 'string' && { actor }),
      ip: event.requestContext.identity.sourceIp,
      userAgent: event.requestContext.identity.userAgent ?? '',
      requestId: event.requestContext.requestId,
      ...(event.parsed && { correlationId: event.parsed.correlationId }),
    };
    const call = { method: event.httpMethod, route: event.resource, path: event.path, status };
    const writes: Promise<unknown>[] = [];
    if (route?.auth === 'admin') {
      writes.push(
        audit.record({ type: 'admin.operation', ...who, outcome: status < 400 ? 'success' : 'failure', detail: call }),
      );
    }
    if (isOwnershipRefusal(error)) {
      writes.push(
        audit.tally({ type: 'access.refused', ...who, detail: call }).then(({ count }) =>
          alerts.counted('refusals', count, {
            ip: who.ip,
            userAgent: who.userAgent,
            ...(who.actor && { userId: who.actor }),
            correlationId: who.correlationId ?? who.requestId,
          }),
        ),
      );
    }
    if (status >= 500) {
      const code = error instanceof DomainError ? error.code : 'INTERNAL_ERROR';
      writes.push(audit.record({ type: 'api.server_error', ...who, outcome: 'failure', detail: { ...call, code } }));
    }
    for (const result of await Promise.allSettled(writes)) {
      if (result.status === 'rejected') logger.error('audit record failed', { error: result.reason });
    }
  };
  return { after: record, onError: record };
};

/** Ids that tie a response to its logs and events, rate-limit state, caching and CORS headers. */
const responseHeaders = (): Middleware => {
  const add = (request: { event: AnyEvent; response: APIGatewayProxyResult | null | undefined }) => {
    const { event, response } = request;
    if (!response) return;
    const headers: Record<string, string | number | boolean> = { ...response.headers };
    const requestId = event.requestContext?.requestId;
    if (requestId) headers['X-Request-Id'] = requestId;
    if (event.parsed) headers['X-Correlation-Id'] = event.parsed.correlationId;
    if (event.rateLimit) {
      headers['RateLimit-Limit'] = event.rateLimit.limit;
      headers['RateLimit-Remaining'] = event.rateLimit.remaining;
      headers['RateLimit-Reset'] = event.rateLimit.resetSeconds;
    }
    // A response about a signed-in user, or one that sets the session, is never stored by a cache.
    const personal =
      typeof event.requestContext?.authorizer?.userId === 'string' ||
      Object.keys(response.multiValueHeaders ?? {}).some((name) => name.toLowerCase() === 'set-cookie');
    if (personal) headers['Cache-Control'] = 'no-store';
    const origin = Object.entries(event.headers ?? {}).find(([name]) => name.toLowerCase() === 'origin')?.[1];
    if (origin && config.corsOrigins.includes(origin)) {
      headers['Access-Control-Allow-Origin'] = origin;
      headers['Access-Control-Allow-Credentials'] = 'true';
      headers.Vary = 'Origin';
    }
    response.headers = headers;
  };
  return { after: add, onError: add };
};

/**
 * Wraps a thin handler: request parsing and zod validation, the principal from the authorizer,
 * per-IP rate limits, the audit of admin calls, refusals and server errors, error mapping, security, trace and cache headers,
 * CORS, and structured logs.
 */
export const api = <B = undefined, Q = undefined, P = undefined>(
  fn: (request: ApiRequest<B, Q, P>) => Promise<HttpResponse>,
  options: ApiOptions<B, Q, P> = {},
) =>
  middy<ParsedEvent<B, Q, P>, APIGatewayProxyResult, Error, Context>()
    .use(responseHeaders() as MiddlewareObj<ParsedEvent<B, Q, P>, APIGatewayProxyResult>)
    .use(auditTrail() as MiddlewareObj<ParsedEvent<B, Q, P>, APIGatewayProxyResult>)
    .use(httpErrors() as MiddlewareObj<ParsedEvent<B, Q, P>, APIGatewayProxyResult>)
    // Counted before parsing: malformed requests count against the limit too.
    .use(rateLimit() as MiddlewareObj<ParsedEvent<B, Q, P>, APIGatewayProxyResult>)
    .use(parseRequest(options))
    .handler(async (event) => {
      if (!event.parsed) throw new Error('request was not parsed');
      return toProxyResult(await fn(event.parsed));
    });

/** For routes behind the authorizer: the principal, or 401 if the authorizer context is missing. */
export const requirePrincipal = (request: { principal: Principal | undefined }): Principal => {
  if (!request.principal) throw new UnauthorizedError('Authentication required');
  return request.principal;
};
