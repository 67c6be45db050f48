import { randomUUID } from 'node:crypto';
import type {
  APIGatewayAuthorizerResult,
  APIGatewayProxyEvent,
  APIGatewayProxyResult,
  APIGatewayRequestAuthorizerEvent,
} from 'aws-lambda';
import type { FunctionSpec } from '../lib/spec/bindings';
import { gatewayErrors, gatewaySecurityHeaders } from '../lib/spec/gateway-responses';
import type { Route } from '../lib/spec/routes';
import { type Invoke, LambdaThrottledError } from './lambda/invoke';

export interface HttpRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query: URLSearchParams;
  /** Raw header pairs in arrival order (Node's rawHeaders), so repeated headers keep every value. */
  rawHeaders: string[];
  body: Buffer;
  sourceIp: string;
}

export interface HttpReply {
  status: number;
  headers: [string, string][];
  body: string | Buffer;
}

export type { Invoke } from './lambda/invoke';

interface CompiledRoute {
  route: Route;
  pattern: RegExp;
  params: string[];
}

const STAGE = 'v1';
const TIMED_OUT = Symbol('timed out');
const API_ID = 'local';
/** API Gateway's integration timeout (REST API default and maximum without a quota increase). */
const INTEGRATION_TIMEOUT_SECONDS = 29;

const jsonReply = (status: number, code: string, message: string, headers: [string, string][] = []): HttpReply => ({
  status,
  headers: [['Content-Type', 'application/json; charset=utf-8'], ...Object.entries(gatewaySecurityHeaders), ...headers],
  body: JSON.stringify({ error: { code, message, details: [] } }),
});

/** The answers API Gateway gives itself, with the bodies CDK configures (lib/spec/gateway-responses.ts). */
const gatewayReply = (
  type: 'UNAUTHORIZED' | 'ACCESS_DENIED' | 'RESOURCE_NOT_FOUND' | 'INTEGRATION_TIMEOUT' | 'DEFAULT_5XX',
  /** For the catch-alls, which keep the status API Gateway chose. */
  status?: number,
): HttpReply => {
  const spec = gatewayErrors.find((e) => e.type === type);
  const chosen = spec?.status ?? status;
  if (!spec || !chosen) throw new Error(`No gateway response ${type}`);
  return jsonReply(chosen, spec.code, spec.message ?? type, Object.entries(spec.headers ?? {}));
};

const compile = (route: Route): CompiledRoute => {
  const params: string[] = [];
  const source = route.path
    .split('/')
    .map((segment) => {
      const param = /^\{([A-Za-z0-9_]+)\}$/.exec(segment);
      if (!param) return segment.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
      params.push(param[1] as string);
      return '([^/]+)';
    })
    .join('/');
  return { route, pattern: new RegExp(`^${source}/?$`), params };
};

const isDecodable = (path: string): boolean => {
  try {
    decodeURIComponent(path);
    return true;
  } catch {
    return false;
  }
};

const TEXT_TYPES = /^(application\/(json|x-www-form-urlencoded|xml|[a-z.+-]*\+json)|text\/)/i;

/** Globs of IAM policy resources: `*` and `?` wildcards. */
const resourceMatches = (pattern: string, arn: string) =>
  new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replaceAll('*', '.*')
      .replaceAll('?', '.')}$`,
  ).test(arn);

const allows = (result: APIGatewayAuthorizerResult, methodArn: string): boolean => {
  const statements = result.policyDocument?.Statement ?? [];
  const applies = (statement: (typeof statements)[number]) => {
    const resource = 'Resource' in statement ? statement.Resource : undefined;
    const resources = Array.isArray(resource) ? resource : resource ? [resource] : [];
    return resources.some((r) => resourceMatches(r, methodArn));
  };
  if (statements.some((s) => s.Effect === 'Deny' && applies(s))) return false;
  return statements.some((s) => s.Effect === 'Allow' && applies(s));
};

/** Lambda authorizer context values reach the integration as strings, numbers or booleans only. */
const authorizerContext = (result: APIGatewayAuthorizerResult) => {
  const context: Record<string, string | number | boolean> = { principalId: result.principalId };
  for (const [key, value] of Object.entries(result.context ?? {})) {
    if (value !== null && value !== undefined) context[key] = value;
  }
  return context;
};

/**
 * API Gateway (REST API, Lambda proxy integrations) in front of the route table: builds the
 * proxy event AWS builds, runs the REQUEST authorizer on protected routes, and turns the
 * function's result back into an HTTP response.
 */
export class LocalApiGateway {
  private readonly compiled: CompiledRoute[];

  constructor(
    routes: Route[],
    private readonly authorizer: FunctionSpec,
    private readonly invoke: Invoke,
    private readonly identity: { region: string; accountId: string; integrationTimeoutSeconds?: number },
  ) {
    this.compiled = routes.map(compile);
  }

  /** True if some route has this path, whatever the method. */
  knows(path: string): boolean {
    return this.compiled.some((c) => c.pattern.test(path));
  }

  async handle(request: HttpRequest): Promise<HttpReply> {
    // API Gateway refuses a path it cannot percent-decode (`%zz`, a lone `%`, a cut UTF-8 sequence) itself.
    if (!isDecodable(request.path)) return jsonReply(400, 'BAD_REQUEST', 'The path has malformed percent-encoding');
    const candidates = this.compiled.filter((c) => c.pattern.test(request.path));
    if (candidates.length === 0) return gatewayReply('RESOURCE_NOT_FOUND');
    const allowed = [...new Set(candidates.map((c) => c.route.method))];
    const match = candidates.find((c) => c.route.method === request.method);
    if (!match) {
      if (request.method === 'OPTIONS') return { status: 204, headers: [['Allow', allowed.join(', ')]], body: '' };
      return jsonReply(405, 'METHOD_NOT_ALLOWED', `Allowed: ${allowed.join(', ')}`, [['Allow', allowed.join(', ')]]);
    }
    const event = this.proxyEvent(request, match);
    if (match.route.auth !== 'public') {
      const denied = await this.authorize(event);
      if (denied) return denied;
    }
    return this.integrate(match.route, event);
  }

  private proxyEvent(request: HttpRequest, { route, pattern, params }: CompiledRoute): APIGatewayProxyEvent {
    // Maps, not objects, while collecting: a header or parameter named `__proto__` or `constructor` is data.
    const headers = new Map<string, string>();
    const multiValueHeaders = new Map<string, string[]>();
    for (let i = 0; i + 1 < request.rawHeaders.length; i += 2) {
      const name = request.rawHeaders[i] as string;
      const value = request.rawHeaders[i + 1] as string;
      headers.set(name, value);
      multiValueHeaders.set(name, [...(multiValueHeaders.get(name) ?? []), value]);
    }
    const query = new Map<string, string>();
    const multiQuery = new Map<string, string[]>();
    for (const [name, value] of request.query) {
      query.set(name, value);
      multiQuery.set(name, [...(multiQuery.get(name) ?? []), value]);
    }
    const values = pattern.exec(request.path)?.slice(1) ?? [];
    const pathParameters = Object.fromEntries(params.map((name, i) => [name, decodeURIComponent(values[i] ?? '')]));
    const header = (name: string) => [...headers].find(([key]) => key.toLowerCase() === name)?.[1];
    const contentType = header('content-type') ?? '';
    const isText = request.body.length === 0 || TEXT_TYPES.test(contentType) || contentType === '';
    const now = new Date();
    const requestId = randomUUID();
    const userAgent = header('user-agent') ?? null;
    return {
      resource: route.path,
      path: request.path,
      httpMethod: request.method,
      // Object.fromEntries defines each name as an own property, `__proto__` included.
      headers: Object.fromEntries(headers),
      multiValueHeaders: Object.fromEntries(multiValueHeaders),
      queryStringParameters: query.size > 0 ? Object.fromEntries(query) : null,
      multiValueQueryStringParameters: query.size > 0 ? Object.fromEntries(multiQuery) : null,
      pathParameters: params.length > 0 ? pathParameters : null,
      stageVariables: null,
      requestContext: {
        accountId: this.identity.accountId,
        apiId: API_ID,
        authorizer: undefined,
        protocol: 'HTTP/1.1',
        httpMethod: request.method,
        path: `/${STAGE}${request.path}`,
        stage: STAGE,
        requestId,
        extendedRequestId: requestId,
        requestTimeEpoch: now.getTime(),
        requestTime: now.toUTCString(),
        resourceId: route.path,
        resourcePath: route.path,
        identity: {
          sourceIp: request.sourceIp,
          userAgent,
          accessKey: null,
          accountId: null,
          apiKey: null,
          apiKeyId: null,
          caller: null,
          clientCert: null,
          cognitoAuthenticationProvider: null,
          cognitoAuthenticationType: null,
          cognitoIdentityId: null,
          cognitoIdentityPoolId: null,
          principalOrgId: null,
          user: null,
          userArn: null,
        },
      },
      body: request.body.length === 0 ? null : request.body.toString(isText ? 'utf8' : 'base64'),
      isBase64Encoded: !isText,
    };
  }

  /** Runs the authorizer; returns the gateway's error reply, or undefined when the request may go on. */
  private async authorize(event: APIGatewayProxyEvent): Promise<HttpReply | undefined> {
    const methodArn = `arn:aws:execute-api:${this.identity.region}:${this.identity.accountId}:${API_ID}/${STAGE}/${event.httpMethod}${event.resource}`;
    const authorizerEvent: APIGatewayRequestAuthorizerEvent = {
      type: 'REQUEST',
      methodArn,
      resource: event.resource,
      path: event.path,
      httpMethod: event.httpMethod,
      headers: event.headers as Record<string, string>,
      multiValueHeaders: event.multiValueHeaders as Record<string, string[]>,
      pathParameters: event.pathParameters as Record<string, string> | null,
      queryStringParameters: event.queryStringParameters as Record<string, string> | null,
      multiValueQueryStringParameters: event.multiValueQueryStringParameters as Record<string, string[]> | null,
      stageVariables: null,
      requestContext: { ...event.requestContext, authorizer: undefined },
    };
    let result: APIGatewayAuthorizerResult;
    try {
      result = (await this.invoke(this.authorizer, authorizerEvent)) as APIGatewayAuthorizerResult;
    } catch (error) {
      // As in AWS: the message 'Unauthorized' means 401; any other failure is the gateway's 500.
      if (error instanceof Error && error.message === 'Unauthorized') {
        return gatewayReply('UNAUTHORIZED');
      }
      console.error('authorizer failed:', error);
      return jsonReply(500, 'AUTHORIZER_ERROR', 'The request could not be authorized');
    }
    if (!allows(result, methodArn)) return gatewayReply('ACCESS_DENIED');
    event.requestContext.authorizer = authorizerContext(result);
    return undefined;
  }

  /**
   * Calls the route's function as a Lambda proxy integration does. As in AWS: a function error (a timeout
   * included) is a 502, a throttled function a 500, both with the DEFAULT_5XX body; no answer within the
   * integration timeout is a 504, INTEGRATION_TIMEOUT, and the function runs on. The timeout counts from the
   * invocation's start (see InvokeOptions.onStart), as Lambda has no wait for a free instance.
   */
  private async integrate(route: Route, event: APIGatewayProxyEvent): Promise<HttpReply> {
    const seconds = this.identity.integrationTimeoutSeconds ?? INTEGRATION_TIMEOUT_SECONDS;
    let timer: NodeJS.Timeout | undefined;
    let timeOut: (value: typeof TIMED_OUT) => void = () => undefined;
    const timedOut = new Promise<typeof TIMED_OUT>((resolve) => {
      timeOut = resolve;
    });
    const onStart = () => {
      timer = setTimeout(() => timeOut(TIMED_OUT), seconds * 1000);
    };
    const call = this.invoke(route, event, { onStart });
    // Given up at the timeout, its outcome is nobody's: it must not surface as an unhandled rejection.
    call.catch(() => undefined);
    let result: APIGatewayProxyResult;
    try {
      const outcome = await Promise.race([call, timedOut]);
      if (outcome === TIMED_OUT) {
        console.error(`${route.method} ${route.path}: integration timed out after ${seconds} s`);
        return gatewayReply('INTEGRATION_TIMEOUT');
      }
      result = outcome as APIGatewayProxyResult;
    } catch (error) {
      console.error(`${route.method} ${route.path} failed:`, error);
      return gatewayReply('DEFAULT_5XX', error instanceof LambdaThrottledError ? 500 : 502);
    } finally {
      clearTimeout(timer);
    }
    if (!result || typeof result.statusCode !== 'number') {
      console.error(`${route.method} ${route.path}: malformed Lambda proxy response`);
      return gatewayReply('DEFAULT_5XX', 502);
    }
    const headers: [string, string][] = [];
    const single = { ...result.headers };
    for (const [name, values] of Object.entries(result.multiValueHeaders ?? {})) {
      for (const value of values) headers.push([name, String(value)]);
      // As in API Gateway, a header in both maps is sent with the multi-value list only.
      for (const key of Object.keys(single)) if (key.toLowerCase() === name.toLowerCase()) delete single[key];
    }
    for (const [name, value] of Object.entries(single)) headers.push([name, String(value)]);
    const body = result.isBase64Encoded ? Buffer.from(result.body ?? '', 'base64') : (result.body ?? '');
    return { status: result.statusCode, headers, body };
  }
}
