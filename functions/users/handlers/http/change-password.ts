import { type ApiRequest, api, requirePrincipal } from '../../../shared/api';
import { callOf, deps } from '../../deps';
import { ChangePasswordBody } from '../../schemas';
import * as service from '../../service';
import { sessionCookie } from '../../sessions';

/** Other sessions end; this one continues with the fresh token returned (and set as the cookie). */
const changePassword = async (request: ApiRequest<ChangePasswordBody>) => {
  const { user, token, claims } = await service.changePassword(
    deps,
    requirePrincipal(request).userId,
    request.body,
    callOf(request),
  );
  return {
    statusCode: 200,
    body: { user, token },
    multiValueHeaders: { 'Set-Cookie': [sessionCookie(token, claims)] },
  };
};

export const handler = api(changePassword, { body: ChangePasswordBody });
