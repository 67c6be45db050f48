import { type ApiRequest, api } from '../../shared/api';
import { ok } from '../../shared/http';
import { ProductParams } from '../schemas';
import { getProduct as get } from '../service';
import { dynamoCatalogStore } from '../store';

const store = dynamoCatalogStore();

export const getProduct = async (request: ApiRequest<undefined, undefined, ProductParams>) =>
  ok(await get(store, request.params.id));

export const handler = api(getProduct, { params: ProductParams });
