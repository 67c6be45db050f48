import { type ApiRequest, api, requirePrincipal } from '../../../shared/api';
import { ok } from '../../../shared/http';
import { deps } from '../../deps';
import { ListOrdersQuery } from '../../schemas';
import * as service from '../../service';

/** `GET /orders?userId=`: a user's orders, newest first (the caller's own by default; admins any user's). */
const listOrders = async (request: ApiRequest<undefined, ListOrdersQuery>) =>
  ok(await service.listOrders(deps, requirePrincipal(request), request.query));

export const handler = api(listOrders, { query: ListOrdersQuery });
