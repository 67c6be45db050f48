import { type ApiRequest, api, requirePrincipal } from '../../shared/api';
import { ok } from '../../shared/http';
import { deps } from '../deps';
import { getProfile as profileOf } from '../service';

export const getProfile = async (request: ApiRequest) => ok(await profileOf(deps, requirePrincipal(request).userId));

export const handler = api(getProfile);
