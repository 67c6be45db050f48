import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type { Principal } from '../../../functions/shared/api';

export interface ApiEventInput {
  method: string;
  /** The route's path as lib/spec/routes.ts writes it, e.g. `/api/v1/cart/{userId}`. */
  resource: string;
  pathParameters?: Record<string, string>;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  /** Sent as JSON. */
  body?: unknown;
  /** The authorizer's context; none for an anonymous request. */
  principal?: Principal;
}

/** An API Gateway REST proxy event for `resource`, as the API would deliver it to a route's handler. */
export const apiEvent = (input: ApiEventInput): APIGatewayProxyEvent => {
  const path = input.resource.replace(/\{(\w+)\+?\}/g, (_, name: string) => input.pathParameters?.[name] ?? name);
  return {
    resource: input.resource,
    path,
    httpMethod: input.method,
    headers: { 'Content-Type': 'application/json', ...input.headers },
    multiValueHeaders: {},
    queryStringParameters: input.query ?? null,
    multiValueQueryStringParameters: null,
    pathParameters: input.pathParameters ?? null,
    stageVariables: null,
    body: input.body === undefined ? null : JSON.stringify(input.body),
    isBase64Encoded: false,
    // Only the parts of the request context the API reads.
    requestContext: {
      requestId: 'req-1',
      identity: { sourceIp: '1.2.3.4' },
      ...(input.principal && { authorizer: { ...input.principal } }),
    } as unknown as APIGatewayProxyEvent['requestContext'],
  };
};

export type ApiHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

/** Calls a route's exported `handler`; `json` is the parsed response body. */
export const invokeApi = async (handler: ApiHandler, event: APIGatewayProxyEvent) => {
  const result = await handler(event, {} as Context);
  return { ...result, json: result.body ? (JSON.parse(result.body) as unknown) : undefined };
};
