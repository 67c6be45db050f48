import middy, { type MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type * as z from 'zod/mini';
import { BadRequestError, DomainError, PayloadTooLargeError, UnauthorizedError } from './errors';
import { errorBody, type HttpResponse, toProxyResult } from './http';
import { logger } from './logger';
import { parse } from './validation';

export type Role = 'customer' | 'admin';

export interface Principal {
  userId: string;
  role: Role;
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
}

export interface ApiOptions<Body, Query, Params> {
  body?: z.ZodMiniType<Body>;
  query?: z.ZodMiniType<Query>;
  params?: z.ZodMiniType<Params>;
}

/** Larger bodies are refused before parsing; no endpoint takes more. */
export const MAX_BODY_BYTES = 64 * 1024;

const CORRELATION_ID = /^[A-Za-z0-9._:-]{1,128}$/;

type ParsedEvent<B, Q, P> = APIGatewayProxyEvent & { parsed?: ApiRequest<B, Q, P> };

const lowerCaseHeaders = (headers: APIGatewayProxyEvent['headers']): Record<string, string> => {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {}))
    if (value !== undefined) result[name.toLowerCase()] = value;
  return result;
};

const readBody = (event: APIGatewayProxyEvent): unknown => {
  if (event.body === null || event.body === undefined || event.body === '') return undefined;
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
  return { userId, role };
};

const parseRequest = <B, Q, P>(options: ApiOptions<B, Q, P>): MiddlewareObj<ParsedEvent<B, Q, P>> => ({
  before: (request) => {
    const event = request.event;
    const headers = lowerCaseHeaders(event.headers);
    const correlationHeader = headers['x-correlation-id'];
    const rawBody = readBody(event);
    event.parsed = {
      body: (options.body ? parse(options.body, rawBody, 'request body') : undefined) as B,
      query: (options.query ? parse(options.query, event.queryStringParameters ?? {}, 'query') : undefined) as Q,
      params: (options.params ? parse(options.params, event.pathParameters ?? {}, 'path') : undefined) as P,
      principal: principalOf(event),
      headers,
      requestId: event.requestContext.requestId,
      correlationId:
        correlationHeader && CORRELATION_ID.test(correlationHeader)
          ? correlationHeader
          : event.requestContext.requestId,
      sourceIp: event.requestContext.identity.sourceIp,
      userAgent: headers['user-agent'] ?? '',
    };
    logger.appendKeys({ requestId: event.parsed.requestId, correlationId: event.parsed.correlationId });
  },
});

/** Maps domain errors to their status and code; anything else is logged and becomes a generic 500. */
const httpErrors = (): MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> => ({
  onError: (request) => {
    const error = request.error;
    if (error instanceof DomainError) {
      if (error.status >= 500) logger.error('request failed', { error });
      request.response = toProxyResult({
        statusCode: error.status,
        body: errorBody(error.code, error.message, error.details),
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

/** Echoes the ids that tie a response to its logs and events. */
const traceHeaders = (): MiddlewareObj<ParsedEvent<unknown, unknown, unknown>, APIGatewayProxyResult> => {
  const add = (request: {
    event: ParsedEvent<unknown, unknown, unknown>;
    response: APIGatewayProxyResult | null | undefined;
  }) => {
    const response = request.response;
    if (!response) return;
    const requestId = request.event.requestContext?.requestId;
    response.headers = {
      ...response.headers,
      ...(requestId && { 'X-Request-Id': requestId }),
      ...(request.event.parsed && { 'X-Correlation-Id': request.event.parsed.correlationId }),
    };
  };
  return { after: add, onError: add };
};

/**
 * Wraps a thin handler: request parsing and zod validation, the principal from the authorizer,
 * error mapping, security and trace headers, and structured logs.
 */
export const api = <B = undefined, Q = undefined, P = undefined>(
  fn: (request: ApiRequest<B, Q, P>) => Promise<HttpResponse>,
  options: ApiOptions<B, Q, P> = {},
) =>
  middy<ParsedEvent<B, Q, P>, APIGatewayProxyResult, Error, Context>()
    .use(traceHeaders() as MiddlewareObj<ParsedEvent<B, Q, P>, APIGatewayProxyResult>)
    .use(httpErrors() as MiddlewareObj<ParsedEvent<B, Q, P>, APIGatewayProxyResult>)
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
