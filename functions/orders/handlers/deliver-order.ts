import { type ApiRequest, api, requirePrincipal } from '../../shared/api';
import { ok } from '../../shared/http';
import { deps } from '../deps';
import { OrderParams } from '../schemas';
import { deliverOrder as deliver } from '../service';

export const deliverOrder = async (request: ApiRequest<undefined, undefined, OrderParams>) =>
  ok(await deliver(deps, requirePrincipal(request), request.params.id));

export const handler = api(deliverOrder, { params: OrderParams });
