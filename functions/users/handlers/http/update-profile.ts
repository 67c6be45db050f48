import { type ApiRequest, api, requirePrincipal } from '../../../shared/api';
import { ok } from '../../../shared/http';
import { callOf, deps } from '../../deps';
import { UpdateProfileBody } from '../../schemas';
import * as service from '../../service';

const updateProfile = async (request: ApiRequest<UpdateProfileBody>) =>
  ok(await service.updateProfile(deps, requirePrincipal(request).userId, request.body, callOf(request)));

export const handler = api(updateProfile, { body: UpdateProfileBody });
