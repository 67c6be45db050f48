import { type ApiRequest, api } from '../../../shared/api';
import { publish } from '../../../shared/events';
import { ok } from '../../../shared/http';
import { logger } from '../../../shared/logger';
import { SetStockBody, SkuParams } from '../../schemas';
import * as service from '../../service';
import { inventoryStore } from '../../store';

const deps = { store: inventoryStore(), publish, logger };

const setStock = async (request: ApiRequest<SetStockBody, undefined, SkuParams>) =>
  ok(await service.setStock(deps, request.params.sku, request.body.available, request.correlationId));

export const handler = api(setStock, { body: SetStockBody, params: SkuParams });
