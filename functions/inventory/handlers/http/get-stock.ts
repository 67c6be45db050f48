import { type ApiRequest, api } from '../../../shared/api';
import { ok } from '../../../shared/http';
import { SkuParams } from '../../schemas';
import * as service from '../../service';
import { inventoryStore } from '../../store';

const deps = { store: inventoryStore() };

const getStock = async (request: ApiRequest<undefined, undefined, SkuParams>) =>
  ok(await service.getStock(deps, request.params.sku));

export const handler = api(getStock, { params: SkuParams });
