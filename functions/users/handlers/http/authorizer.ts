import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { routeOf } from '../../../../lib/spec/routes';
import { auditLog } from '../../../shared/audit';
import { logger } from '../../../shared/logger';
import { InvalidTokenError } from '../../errors';
import { tokenFromHeaders, verifySession } from '../../sessions';
import { usersStore } from '../../store';

const users = usersStore();
const audit = auditLog();

const policy = (
  principalId: string,
  effect: 'Allow' | 'Deny',
  resource: string,
  context: Record<string, string | number>,
): APIGatewayAuthorizerResult => ({
  principalId,
  policyDocument: {
    Version: '2012-10-17',
    Statement: [{ Action: 'execute-api:Invoke', Effect: effect, Resource: resource }],
  },
  context,
});

const rejected = async (event: APIGatewayRequestAuthorizerEvent, reason: string, actor?: string) => {
  try {
    await audit.record({
      type: 'auth.token_rejected',
      ...(actor && { actor }),
      ip: event.requestContext.identity.sourceIp,
      userAgent: event.requestContext.identity.userAgent ?? '',
      outcome: 'failure',
      detail: { reason, method: event.httpMethod, route: event.resource },
      requestId: event.requestContext.requestId,
    });
  } catch (error) {
    logger.error('audit record failed', { error });
  }
};

/**
 * REQUEST authorizer: verifies the session token (bearer header or cookie) and the route's level
 * from the route table; handlers check ownership. Throwing 'Unauthorized' makes API Gateway answer
 * 401; a Deny policy, 403.
 */
export const handler = async (event: APIGatewayRequestAuthorizerEvent): Promise<APIGatewayAuthorizerResult> => {
  const token = tokenFromHeaders(event.headers ?? {});
  if (!token) throw new Error('Unauthorized');
  let session: Awaited<ReturnType<typeof verifySession>>;
  try {
    session = await verifySession(token, users);
  } catch (error) {
    if (!(error instanceof InvalidTokenError)) throw error;
    await rejected(event, error.reason);
    throw new Error('Unauthorized');
  }
  const level = routeOf(event.httpMethod, event.resource)?.auth ?? 'admin';
  const allowed = level !== 'admin' || session.role === 'admin';
  if (!allowed) await rejected(event, 'ROLE_NOT_ALLOWED', session.userId);
  return policy(session.userId, allowed ? 'Allow' : 'Deny', event.methodArn, {
    userId: session.userId,
    role: session.role,
    tokenId: session.tokenId,
    tokenExpiresAt: session.expiresAt,
  });
};
