import { type ApiRequest, api, requirePrincipal } from '../../../shared/api';
import { ok } from '../../../shared/http';
import { assertOwnerOrAdmin } from '../../../shared/ownership';
import { deps } from '../../deps';
import { CartParams } from '../../schemas';
import * as service from '../../service';

const getCart = async (request: ApiRequest<undefined, undefined, CartParams>) => {
  assertOwnerOrAdmin(requirePrincipal(request), request.params.userId);
  return ok(await service.getCart(deps, request.params.userId));
};

export const handler = api(getCart, { params: CartParams });
