import { type ApiRequest, api, requirePrincipal } from '../../shared/api';
import { ok } from '../../shared/http';
import { callOf, deps } from '../deps';
import { UpdateProfileBody } from '../schemas';
import { updateProfile as update } from '../service';

export const updateProfile = async (request: ApiRequest<UpdateProfileBody>) =>
  ok(await update(deps, requirePrincipal(request).userId, request.body, callOf(request)));

export const handler = api(updateProfile, { body: UpdateProfileBody });
