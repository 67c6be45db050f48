import { type ApiRequest, api, requirePrincipal } from '../../../shared/api';
import { noContent } from '../../../shared/http';
import { assertOwnerOrAdmin } from '../../../shared/ownership';
import { CartParams } from '../../schemas';
import * as service from '../../service';
import { cartsStore } from '../../store';

// Only the carts table: this route is not bound to the catalog.
const deps = { carts: cartsStore() };

const clearCart = async (request: ApiRequest<undefined, undefined, CartParams>) => {
  assertOwnerOrAdmin(requirePrincipal(request), request.params.userId);
  await service.clearCart(deps, request.params.userId);
  return noContent();
};

export const handler = api(clearCart, { params: CartParams });
