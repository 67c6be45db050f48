import { type ApiRequest, api } from '../../shared/api';
import { callOf, deps } from '../deps';
import { RegisterBody } from '../schemas';
import { register as registerUser } from '../service';
import { sessionCookie } from '../sessions';

export const register = async (request: ApiRequest<RegisterBody>) => {
  const { user, token, claims } = await registerUser(deps, request.body, callOf(request));
  return {
    statusCode: 201,
    body: { user, token },
    multiValueHeaders: { 'Set-Cookie': [sessionCookie(token, claims)] },
  };
};

export const handler = api(register, { body: RegisterBody });
