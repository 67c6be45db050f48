import { type ApiRequest, api, requirePrincipal } from '../../shared/api';
import { UnauthorizedError } from '../../shared/errors';
import { callOf, deps } from '../deps';
import { logout as signOut } from '../service';
import { clearedSessionCookie } from '../sessions';

export const logout = async (request: ApiRequest) => {
  const { userId, tokenId, tokenExpiresAt } = requirePrincipal(request);
  if (!tokenId || tokenExpiresAt === undefined) throw new UnauthorizedError('No session to end');
  await signOut(deps, { userId, tokenId, expiresAt: tokenExpiresAt }, callOf(request));
  return { statusCode: 204, multiValueHeaders: { 'Set-Cookie': [clearedSessionCookie()] } };
};

export const handler = api(logout);
