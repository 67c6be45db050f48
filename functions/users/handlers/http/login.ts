import { type ApiRequest, api } from '../../../shared/api';
import { callOf, deps } from '../../deps';
import { LoginBody } from '../../schemas';
import * as service from '../../service';
import { sessionCookie } from '../../sessions';

const login = async (request: ApiRequest<LoginBody>) => {
  const { user, token, claims } = await service.login(deps, request.body, callOf(request));
  return {
    statusCode: 200,
    body: { user, token },
    multiValueHeaders: { 'Set-Cookie': [sessionCookie(token, claims)] },
  };
};

export const handler = api(login, { body: LoginBody });
