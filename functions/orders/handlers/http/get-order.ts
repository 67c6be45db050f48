import { type ApiRequest, api, requirePrincipal } from '../../../shared/api';
import { ok } from '../../../shared/http';
import { deps } from '../../deps';
import { OrderParams } from '../../schemas';
import * as service from '../../service';

/** An order with its status history: the owner or an admin (404 for anyone else). */
const getOrder = async (request: ApiRequest<undefined, undefined, OrderParams>) =>
  ok(await service.getOrder(deps, requirePrincipal(request), request.params.id));

export const handler = api(getOrder, { params: OrderParams });
