import { type ApiRequest, api, requirePrincipal } from '../../../shared/api';
import { ok } from '../../../shared/http';
import { deps } from '../../deps';
import { OrderParams } from '../../schemas';
import * as service from '../../service';

const deliverOrder = async (request: ApiRequest<undefined, undefined, OrderParams>) =>
  ok(await service.deliverOrder(deps, requirePrincipal(request), request.params.id));

export const handler = api(deliverOrder, { params: OrderParams });
