import { type ApiRequest, api, requirePrincipal } from '../../../shared/api';
import { ok } from '../../../shared/http';
import { assertOwnerOrAdmin } from '../../../shared/ownership';
import { deps } from '../../deps';
import { CartItemParams } from '../../schemas';
import * as service from '../../service';

const removeItem = async (request: ApiRequest<undefined, undefined, CartItemParams>) => {
  const { userId, productId } = request.params;
  assertOwnerOrAdmin(requirePrincipal(request), userId);
  return ok(await service.removeItem(deps, userId, productId));
};

export const handler = api(removeItem, { params: CartItemParams });
