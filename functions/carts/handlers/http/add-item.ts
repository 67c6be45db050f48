import { type ApiRequest, api, requirePrincipal } from '../../../shared/api';
import { ok } from '../../../shared/http';
import { assertOwnerOrAdmin } from '../../../shared/ownership';
import { deps } from '../../deps';
import { AddItemBody, CartParams } from '../../schemas';
import * as service from '../../service';

const addItem = async (request: ApiRequest<AddItemBody, undefined, CartParams>) => {
  assertOwnerOrAdmin(requirePrincipal(request), request.params.userId);
  const { productId, quantity } = request.body;
  return ok(await service.addItem(deps, request.params.userId, { productId, quantity }));
};

export const handler = api(addItem, { body: AddItemBody, params: CartParams });
