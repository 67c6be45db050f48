import { type ApiRequest, api, requirePrincipal } from '../../../shared/api';
import { ok } from '../../../shared/http';
import { deps } from '../../deps';
import { OrderParams } from '../../schemas';
import * as service from '../../service';

const cancelOrder = async (request: ApiRequest<undefined, undefined, OrderParams>) =>
  ok(await service.cancelOrder(deps, requirePrincipal(request), request.params.id));

export const handler = api(cancelOrder, { params: OrderParams });
