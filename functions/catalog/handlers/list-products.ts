import { type ApiRequest, api } from '../../shared/api';
import { ok } from '../../shared/http';
import { ListProductsQuery } from '../schemas';
import { listProducts as list } from '../service';
import { dynamoCatalogStore } from '../store';

const store = dynamoCatalogStore();

export const listProducts = async (request: ApiRequest<undefined, ListProductsQuery>) =>
  ok(await list(store, request.query));

export const handler = api(listProducts, { query: ListProductsQuery });
