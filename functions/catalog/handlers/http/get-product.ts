import { type ApiRequest, api } from '../../../shared/api';
import { ok } from '../../../shared/http';
import { ProductParams } from '../../schemas';
import * as service from '../../service';
import { dynamoCatalogStore } from '../../store';

const store = dynamoCatalogStore();

const getProduct = async (request: ApiRequest<undefined, undefined, ProductParams>) =>
  ok(await service.getProduct(store, request.params.id));

export const handler = api(getProduct, { params: ProductParams });
