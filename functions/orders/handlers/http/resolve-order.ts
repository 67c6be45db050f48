import { type ApiRequest, api, requirePrincipal } from '../../../shared/api';
import { ok } from '../../../shared/http';
import { deps } from '../../deps';
import { OrderParams } from '../../schemas';
import * as service from '../../service';

/** Admin: an order that requires attention goes back to its status and a run settles what was left undone. */
const resolveOrder = async (request: ApiRequest<undefined, undefined, OrderParams>) =>
  ok(await service.resolveOrder(deps, requirePrincipal(request), request.params.id));

export const handler = api(resolveOrder, { params: OrderParams });
