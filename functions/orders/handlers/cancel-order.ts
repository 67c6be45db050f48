import { type ApiRequest, api, requirePrincipal } from '../../shared/api';
import { ok } from '../../shared/http';
import { deps } from '../deps';
import { OrderParams } from '../schemas';
import { cancelOrder as cancel } from '../service';

export const cancelOrder = async (request: ApiRequest<undefined, undefined, OrderParams>) =>
  ok(await cancel(deps, requirePrincipal(request), request.params.id));

export const handler = api(cancelOrder, { params: OrderParams });
