import { type ApiRequest, api, requirePrincipal } from '../../../shared/api';
import { UnauthorizedError } from '../../../shared/errors';
import { callOf, deps } from '../../deps';
import * as service from '../../service';
import { clearedSessionCookie } from '../../sessions';

const logout = async (request: ApiRequest) => {
  const { userId, tokenId, tokenExpiresAt } = requirePrincipal(request);
  if (!tokenId || tokenExpiresAt === undefined) throw new UnauthorizedError('No session to end');
  await service.logout(deps, { userId, tokenId, expiresAt: tokenExpiresAt }, callOf(request));
  return { statusCode: 204, multiValueHeaders: { 'Set-Cookie': [clearedSessionCookie()] } };
};

export const handler = api(logout);
