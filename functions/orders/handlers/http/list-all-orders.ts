import { type ApiRequest, api } from '../../../shared/api';
import { ok } from '../../../shared/http';
import { deps } from '../../deps';
import { ListAllOrdersQuery } from '../../schemas';
import * as service from '../../service';

/** Admin: every order, or those in one status, newest first. */
const listAllOrders = async (request: ApiRequest<undefined, ListAllOrdersQuery>) =>
  ok(await service.listAllOrders(deps, request.query));

export const handler = api(listAllOrders, { query: ListAllOrdersQuery });
