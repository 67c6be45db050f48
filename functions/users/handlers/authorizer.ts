import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { errors, jwtVerify } from 'jose';
import { routes } from '../../../lib/routes';
import { config } from '../../shared/config';
import { logger } from '../../shared/logger';
import { JWT_ALGORITHM, signingKeys } from '../../shared/signing-key';

export const SESSION_COOKIE = 'session';

const header = (event: APIGatewayRequestAuthorizerEvent, name: string): string | undefined => {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {})) if (key.toLowerCase() === wanted) return value;
  return undefined;
};

/** The bearer token, else the session cookie. */
export const tokenOf = (event: APIGatewayRequestAuthorizerEvent): string | undefined => {
  const authorization = header(event, 'authorization');
  const bearer = authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
  if (bearer) return bearer;
  for (const part of (header(event, 'cookie') ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === SESSION_COOKIE && value.length > 0) return value.join('=');
  }
  return undefined;
};

const levelOf = (event: APIGatewayRequestAuthorizerEvent) =>
  routes.find((route) => route.method === event.httpMethod && route.path === event.resource)?.auth ?? 'admin';

const policy = (
  principalId: string,
  effect: 'Allow' | 'Deny',
  resource: string,
  context?: Record<string, string>,
): APIGatewayAuthorizerResult => ({
  principalId,
  policyDocument: {
    Version: '2012-10-17',
    Statement: [{ Action: 'execute-api:Invoke', Effect: effect, Resource: resource }],
  },
  ...(context && { context }),
});

/**
 * REQUEST authorizer: verifies the session token (EdDSA only, issuer, audience, expiry) and
 * enforces the route's level; handlers check ownership. Throwing 'Unauthorized' makes API
 * Gateway answer 401, a Deny policy 403.
 */
export const handler = async (event: APIGatewayRequestAuthorizerEvent): Promise<APIGatewayAuthorizerResult> => {
  const token = tokenOf(event);
  if (!token) throw new Error('Unauthorized');
  const { publicKey } = await signingKeys();
  let claims: { sub?: string; role?: unknown; jti?: string };
  try {
    ({ payload: claims } = await jwtVerify(token, publicKey, {
      algorithms: [JWT_ALGORITHM],
      issuer: config.jwtIssuer,
      audience: config.jwtAudience,
      requiredClaims: ['sub', 'exp', 'iat'],
    }));
  } catch (error) {
    if (error instanceof errors.JOSEError) {
      logger.warn('token rejected', { reason: error.code, sourceIp: event.requestContext.identity.sourceIp });
      throw new Error('Unauthorized');
    }
    throw error;
  }
  const role = claims.role === 'admin' ? 'admin' : claims.role === 'customer' ? 'customer' : undefined;
  if (!claims.sub || !role) throw new Error('Unauthorized');
  const allowed = levelOf(event) !== 'admin' || role === 'admin';
  return policy(claims.sub, allowed ? 'Allow' : 'Deny', event.methodArn, {
    userId: claims.sub,
    role,
    ...(claims.jti && { tokenId: claims.jti }),
  });
};
