import { type ApiRequest, api } from '../../../shared/api';
import { publish } from '../../../shared/events';
import { created, ok } from '../../../shared/http';
import { logger } from '../../../shared/logger';
import { ReserveBody, SkuParams } from '../../schemas';
import { reserveForOrder } from '../../service';
import { inventoryStore } from '../../store';

const deps = { store: inventoryStore(), publish, logger };

/** 201 with a new reservation; 200 with the one the order holds already (a repeated call). */
const reserve = async (request: ApiRequest<ReserveBody, undefined, SkuParams>) => {
  const result = await reserveForOrder(deps, { sku: request.params.sku, ...request.body }, request.correlationId);
  return result.created ? created(result.reservation) : ok(result.reservation);
};

export const handler = api(reserve, { body: ReserveBody, params: SkuParams });
