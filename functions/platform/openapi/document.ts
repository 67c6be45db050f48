import * as z from 'zod/mini';
import { type RateLimit, rateLimits } from '../../../lib/spec/rate-limits';
import type { Route } from '../../../lib/spec/routes';
import { IdempotencyKey } from '../../orders/schemas';
import { MAX_BODY_BYTES } from '../../shared/api';
import { CSRF_HEADER, CSRF_HEADER_VALUE } from '../../shared/csrf';
import type { OperationDoc, Outcomes } from './operations';

type Json = Record<string, unknown>;

/** The session cookie's name (functions/users/sessions.ts; the test holds them equal without this module loading jose). */
export const SESSION_COOKIE_NAME = 'session';

/** The body of every failure, from a handler (functions/shared/http.ts) or API Gateway itself (gateway responses). */
export const ErrorResponse = z.looseObject({
  error: z.looseObject({
    code: z.string().check(z.regex(/^[A-Z][A-Z0-9_]*$/), z.meta({ examples: ['VALIDATION_ERROR'] })),
    message: z.string().check(z.meta({ examples: ['Invalid request body'] })),
    details: z.array(z.unknown()).check(
      z.meta({
        description: 'For VALIDATION_ERROR, one `{"path", "message"}` per bad field; otherwise usually empty',
        examples: [[{ path: 'quantity', message: 'Too big: expected number to be <=99' }]],
      }),
    ),
  }),
});

const TAGS: Record<string, string> = {
  platform: 'Health and this description',
  catalog: 'Products and categories',
  search: 'Product search with facets',
  users: 'Accounts and sessions',
  carts: "Shopping carts (the owner's or, for admins, anyone's)",
  inventory: 'Stock and reservations',
  orders: 'Orders and their status history',
  payments: 'Payments of orders',
  reporting: 'The admin dashboard',
};

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** A zod schema as JSON Schema draft 2020-12 (OpenAPI 3.1's dialect), as a client sends it or as the API answers. */
const jsonSchema = (schema: z.ZodMiniType, io: 'input' | 'output' = 'input'): Json => {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io,
    // A pipe that takes anything and checks it afterwards (e.g. product attributes) is described by what it accepts.
    override: ({ zodSchema, jsonSchema: json }) => {
      const def = zodSchema._zod.def;
      if (def.type !== 'pipe' || io !== 'input' || def.in._zod.def.type !== 'unknown') return;
      const { $schema: __, ...out } = z.toJSONSchema(def.out, { target: 'draft-2020-12', io: 'output' });
      Object.assign(json, out);
    },
  });
  return rest;
};

/** An answer's schema: its fields as the API writes them, the object left open (a new field breaks no client). */
const responseSchema = (schema: z.ZodMiniType): Json => jsonSchema(schema, 'input');

const operationId = (route: Route) =>
  (route.handler.split('/').pop() ?? route.handler).replace(/-(\w)/g, (_, letter: string) => letter.toUpperCase());

const contextOf = (route: Route) => route.handler.split('/')[0] ?? 'platform';

const perWindow = ({ limit, windowSeconds }: RateLimit) =>
  windowSeconds % 3600 === 0
    ? `${limit} requests per ${windowSeconds / 3600 === 1 ? 'hour' : `${windowSeconds / 3600} hours`}`
    : `${limit} requests per ${windowSeconds / 60} minutes`;

const ACCESS: Record<Route['auth'], string> = {
  public: 'public',
  customer: 'any signed-in user (customer or admin)',
  admin: 'admins only',
};

/** Query or path parameters from an object schema's properties. */
const parametersOf = (schema: z.ZodMiniType, where: 'query' | 'path'): Json[] => {
  const json = jsonSchema(schema);
  const properties = json.properties as Record<string, Json> | undefined;
  if (json.type !== 'object' || !properties) throw new Error(`The ${where} schema is not an object schema`);
  const required = new Set((json.required as string[] | undefined) ?? []);
  return Object.entries(properties).map(([name, property]) => ({
    name,
    in: where,
    required: where === 'path' || required.has(name),
    schema: property,
  }));
};

const addOutcome = (outcomes: Map<number, string[]>, status: number, text: string | undefined) => {
  if (text) outcomes.set(status, [...(outcomes.get(status) ?? []), text]);
};

/** Failures every operation of the route's kind may answer, then the operation's own. */
const failuresOf = (route: Route, doc: OperationDoc, parameters: Json[]): Map<number, string[]> => {
  const failures = new Map<number, string[]>();
  const request = doc.request ?? {};
  if (request.body) {
    addOutcome(
      failures,
      400,
      `VALIDATION_ERROR (details name each bad field), INVALID_JSON, PAYLOAD_TOO_LARGE (a body over ${MAX_BODY_BYTES / 1024} KiB)`,
    );
  } else if (request.query || request.params)
    addOutcome(failures, 400, 'VALIDATION_ERROR (details name each bad field)');
  if (parameters.some((parameter) => parameter.name === 'cursor')) addOutcome(failures, 400, 'INVALID_CURSOR');
  if (route.auth !== 'public') addOutcome(failures, 401, 'UNAUTHORIZED: no valid session (bearer token or cookie)');
  if (route.auth === 'admin') addOutcome(failures, 403, 'FORBIDDEN: not an admin');
  if (route.auth !== 'public' && UNSAFE.has(route.method)) {
    addOutcome(
      failures,
      403,
      `CSRF_REJECTED: signed in by the cookie alone without the ${CSRF_HEADER} header, or from a foreign Origin`,
    );
  }
  if (request.body) {
    addOutcome(failures, 413, "PAYLOAD_TOO_LARGE: over API Gateway's 10 MB request limit");
    addOutcome(failures, 415, 'UNSUPPORTED_MEDIA_TYPE: a body not sent as application/json');
  }
  if (route.rateLimit) {
    const rule = rateLimits[route.rateLimit];
    addOutcome(failures, 429, `RATE_LIMITED: over ${perWindow(rule)} per client IP (the ${route.rateLimit} class)`);
  }
  addOutcome(failures, 429, "THROTTLED: over the API's request rate");
  for (const [status, text] of Object.entries(doc.errors ?? {})) addOutcome(failures, Number(status), text);
  return failures;
};

const headerRef = (name: string) => ({ $ref: `#/components/headers/${name}` });

const successOf = (route: Route, doc: OperationDoc, status: number, description: string): Json => {
  const headers: Json = { 'X-Request-Id': headerRef('RequestId'), 'X-Correlation-Id': headerRef('CorrelationId') };
  if (route.rateLimit) {
    headers['RateLimit-Limit'] = headerRef('RateLimitLimit');
    headers['RateLimit-Remaining'] = headerRef('RateLimitRemaining');
    headers['RateLimit-Reset'] = headerRef('RateLimitReset');
  }
  if (doc.setsSession) headers['Set-Cookie'] = headerRef('SetSession');
  if (status === 202) headers.Location = { description: 'Where to follow the resource', schema: { type: 'string' } };
  return {
    description,
    headers,
    ...(status !== 204 && {
      content: { 'application/json': doc.body ? { schema: responseSchema(doc.body) } : {} },
    }),
  };
};

const securityOf = (route: Route, doc: OperationDoc): Json[] => {
  if (route.auth === 'public') return doc.readsSession ? [{}, { bearerAuth: [] }, { sessionCookie: [] }] : [];
  // The cookie alone must come with the anti-CSRF header on a change; a bearer token never needs it.
  const cookie = UNSAFE.has(route.method) ? { sessionCookie: [], csrfHeader: [] } : { sessionCookie: [] };
  return [{ bearerAuth: [] }, cookie];
};

const operationOf = (route: Route, doc: OperationDoc): Json => {
  const request = doc.request ?? {};
  const parameters = [
    ...(request.params ? parametersOf(request.params, 'path') : []),
    ...(request.query ? parametersOf(request.query, 'query') : []),
  ];
  // A path parameter the handler does not validate is still part of the path.
  for (const [, name] of route.path.matchAll(/\{(\w+)\}/g)) {
    if (!parameters.some((p) => p.in === 'path' && p.name === name)) {
      parameters.push({ name, in: 'path', required: true, schema: { type: 'string' } });
    }
  }
  if (doc.idempotencyKey) {
    parameters.push({
      name: 'Idempotency-Key',
      in: 'header',
      required: false,
      description: 'A retry with the same key (and body) answers the first outcome instead of acting again.',
      schema: jsonSchema(IdempotencyKey),
    });
  }

  const rateLimit = route.rateLimit ? rateLimits[route.rateLimit] : undefined;
  const notes = [
    `**Access:** ${ACCESS[route.auth]}.`,
    ...(rateLimit ? [`**Rate limit:** ${perWindow(rateLimit)} per client IP (the ${route.rateLimit} class).`] : []),
  ];
  const responses: Json = {};
  for (const [status, description] of Object.entries(doc.responses as Outcomes)) {
    responses[status] = successOf(route, doc, Number(status), description ?? '');
  }
  for (const [status, texts] of [...failuresOf(route, doc, parameters)].sort(([a], [b]) => a - b)) {
    responses[status] = {
      description: texts.join('; '),
      ...(status === 429 && { headers: { 'Retry-After': headerRef('RetryAfter') } }),
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
    };
  }
  responses.default = {
    description: 'An unexpected failure: INTERNAL_ERROR (500) or TIMEOUT (504)',
    content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
  };

  return {
    operationId: operationId(route),
    tags: [contextOf(route)],
    summary: doc.summary,
    description: [doc.description, notes.join(' ')].filter(Boolean).join('\n\n'),
    ...(parameters.length > 0 && { parameters }),
    ...(request.body && {
      requestBody: {
        required: !request.body.safeParse(undefined).success,
        content: { 'application/json': { schema: jsonSchema(request.body) } },
      },
    }),
    responses,
    security: securityOf(route, doc),
    'x-auth': route.auth,
    ...(route.rateLimit && { 'x-rate-limit': { class: route.rateLimit, ...rateLimits[route.rateLimit] } }),
  };
};

const INTRODUCTION = `The shop's REST API. Requests and responses are JSON (\`application/json\`; a body of another type is
refused with 415).

- **Lists** answer \`{"items": [...], "nextCursor": "..." | null}\`; pass \`nextCursor\` back as \`cursor\` for the next
  page. Cursors are opaque and tamper-proof.
- **Money** is a decimal number in major units with at most two decimals, next to a \`currency\`.
- **Errors** always answer \`{"error": {"code": "SNAKE_CASE_CODE", "message": "...", "details": [...]}}\`.
- **Sessions**: register and login answer a token and set the HttpOnly \`${SESSION_COOKIE_NAME}\` cookie. Send the token as
  \`Authorization: Bearer <token>\`, or rely on the cookie; a change (POST, PUT, DELETE) signed in by the cookie alone
  must send \`${CSRF_HEADER}: ${CSRF_HEADER_VALUE}\` and come from the shop's own origin.
- **Rate limits** are per client IP for the routes that name a class (\`x-rate-limit\`); over them, 429 with
  \`Retry-After\`. Responses of those routes carry \`RateLimit-Limit\`, \`RateLimit-Remaining\` and \`RateLimit-Reset\`.
- **Tracing**: send \`X-Correlation-Id\` to tie a request to its logs and events; every response names its
  \`X-Request-Id\` and \`X-Correlation-Id\`.`;

/**
 * The OpenAPI 3.1 description of the routes: paths and methods from the route table, parameters and bodies from the
 * handlers' zod schemas, access levels and rate limits as the api wrapper and the authorizer apply them.
 */
export const openApiDocument = (routes: Route[], operations: Record<string, OperationDoc>): Json => {
  const paths: Record<string, Json> = {};
  for (const route of routes) {
    const key = `${route.method} ${route.path}`;
    const doc = operations[key];
    if (!doc) throw new Error(`No OpenAPI entry for ${key} (functions/platform/openapi/operations.ts)`);
    paths[route.path] = { ...paths[route.path], [route.method.toLowerCase()]: operationOf(route, doc) };
  }
  const contexts = new Set(routes.map(contextOf));
  return {
    openapi: '3.1.1',
    info: { title: 'Shop API', version: '1', description: INTRODUCTION },
    tags: Object.entries(TAGS)
      .filter(([name]) => contexts.has(name))
      .map(([name, description]) => ({ name, description })),
    paths,
    components: {
      schemas: { Error: jsonSchema(ErrorResponse, 'output') },
      securitySchemes: {
        bearerAuth: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'The token that register, login and change-password answer.',
        },
        sessionCookie: {
          type: 'apiKey',
          in: 'cookie',
          name: SESSION_COOKIE_NAME,
          description: 'The HttpOnly session cookie that register, login and change-password set.',
        },
        csrfHeader: {
          type: 'apiKey',
          in: 'header',
          name: CSRF_HEADER,
          description:
            `Send \`${CSRF_HEADER_VALUE}\` with every POST, PUT or DELETE signed in by the session cookie alone ` +
            '(a bearer token needs no such proof); a cross-site page cannot send it.',
        },
      },
      headers: {
        RequestId: { description: "API Gateway's id of the request", schema: { type: 'string' } },
        CorrelationId: {
          description: 'The X-Correlation-Id sent (letters, digits, ._:-, up to 128), else the request id',
          schema: { type: 'string' },
        },
        RateLimitLimit: { description: 'Requests allowed per window', schema: { type: 'integer' } },
        RateLimitRemaining: { description: 'Requests left in this window', schema: { type: 'integer' } },
        RateLimitReset: { description: 'Seconds until the window ends', schema: { type: 'integer' } },
        RetryAfter: { description: 'Seconds to wait before retrying', schema: { type: 'integer' } },
        SetSession: {
          description: `The \`${SESSION_COOKIE_NAME}\` cookie (HttpOnly, Secure, SameSite) set, or cleared on logout`,
          schema: { type: 'string' },
        },
      },
    },
  };
};
