import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { InvalidTokenError } from '../../errors';
import { authorize } from '../../service';
import { sessionDeps as deps } from '../../session-deps';
import { tokenFromHeaders } from '../../sessions';

/**
 * REQUEST authorizer: the session token (bearer header or cookie) against the route's level. Throwing
 * 'Unauthorized' makes API Gateway answer 401; a Deny policy, 403.
 */
export const handler = async (event: APIGatewayRequestAuthorizerEvent): Promise<APIGatewayAuthorizerResult> => {
  const { identity, requestId } = event.requestContext;
  const decision = await authorize(deps, {
    token: tokenFromHeaders(event.headers ?? {}),
    method: event.httpMethod,
    resource: event.resource,
    ip: identity.sourceIp,
    userAgent: identity.userAgent ?? '',
    requestId,
  }).catch((error: unknown) => {
    throw error instanceof InvalidTokenError ? new Error('Unauthorized') : error;
  });
  const Effect: 'Allow' | 'Deny' = decision.allowed ? 'Allow' : 'Deny';
  const Statement = [{ Action: 'execute-api:Invoke', Effect, Resource: event.methodArn }];
  return {
    principalId: decision.userId,
    policyDocument: { Version: '2012-10-17', Statement },
    context: decision.context,
  };
};
