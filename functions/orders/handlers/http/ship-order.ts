import { type ApiRequest, api, requirePrincipal } from '../../../shared/api';
import { ok } from '../../../shared/http';
import { deps } from '../../deps';
import { OrderParams } from '../../schemas';
import * as service from '../../service';

const shipOrder = async (request: ApiRequest<undefined, undefined, OrderParams>) =>
  ok(await service.shipOrder(deps, requirePrincipal(request), request.params.id));

export const handler = api(shipOrder, { params: OrderParams });
