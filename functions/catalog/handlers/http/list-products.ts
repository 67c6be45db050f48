import { type ApiRequest, api } from '../../../shared/api';
import { ok } from '../../../shared/http';
import { ListProductsQuery } from '../../schemas';
import * as service from '../../service';
import { dynamoCatalogStore } from '../../store';

const store = dynamoCatalogStore();

const listProducts = async (request: ApiRequest<undefined, ListProductsQuery>) =>
  ok(await service.listProducts(store, request.query));

export const handler = api(listProducts, { query: ListProductsQuery });
