import { type ApiRequest, api, requirePrincipal } from '../../../shared/api';
import { ok } from '../../../shared/http';
import { deps } from '../../deps';
import * as service from '../../service';

const getProfile = async (request: ApiRequest) => ok(await service.getProfile(deps, requirePrincipal(request).userId));

export const handler = api(getProfile);
