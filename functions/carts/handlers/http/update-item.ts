import { type ApiRequest, api, requirePrincipal } from '../../../shared/api';
import { ok } from '../../../shared/http';
import { assertOwnerOrAdmin } from '../../../shared/ownership';
import { deps } from '../../deps';
import { CartItemParams, UpdateItemBody } from '../../schemas';
import * as service from '../../service';

const updateItem = async (request: ApiRequest<UpdateItemBody, undefined, CartItemParams>) => {
  const { userId, productId } = request.params;
  assertOwnerOrAdmin(requirePrincipal(request), userId);
  return ok(await service.updateItem(deps, userId, productId, request.body.quantity));
};

export const handler = api(updateItem, { body: UpdateItemBody, params: CartItemParams });
