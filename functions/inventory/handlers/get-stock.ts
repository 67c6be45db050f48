import { type ApiRequest, api } from '../../shared/api';
import { ok } from '../../shared/http';
import { SkuParams } from '../schemas';
import { getStock as stockOf } from '../service';
import { inventoryStore } from '../store';

const deps = { store: inventoryStore() };

export const getStock = async (request: ApiRequest<undefined, undefined, SkuParams>) =>
  ok(await stockOf(deps, request.params.sku));

export const handler = api(getStock, { params: SkuParams });
