import { type ApiRequest, api } from '../../shared/api';
import { callOf, deps } from '../deps';
import { LoginBody } from '../schemas';
import { login as signIn } from '../service';
import { sessionCookie } from '../sessions';

export const login = async (request: ApiRequest<LoginBody>) => {
  const { user, token, claims } = await signIn(deps, request.body, callOf(request));
  return {
    statusCode: 200,
    body: { user, token },
    multiValueHeaders: { 'Set-Cookie': [sessionCookie(token, claims)] },
  };
};

export const handler = api(login, { body: LoginBody });
