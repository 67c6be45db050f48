import { type ApiRequest, api } from '../../../shared/api';
import { callOf, deps } from '../../deps';
import { RegisterBody } from '../../schemas';
import * as service from '../../service';
import { sessionCookie } from '../../sessions';

const register = async (request: ApiRequest<RegisterBody>) => {
  const { user, token, claims } = await service.register(deps, request.body, callOf(request));
  return {
    statusCode: 201,
    body: { user, token },
    multiValueHeaders: { 'Set-Cookie': [sessionCookie(token, claims)] },
  };
};

export const handler = api(register, { body: RegisterBody });
