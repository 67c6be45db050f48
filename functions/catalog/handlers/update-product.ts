import { type ApiRequest, api } from '../../shared/api';
import { ok } from '../../shared/http';
import { deps } from '../deps';
import { ProductParams, UpdateProductBody } from '../schemas';
import { updateProduct as update } from '../service';

export const updateProduct = async (request: ApiRequest<UpdateProductBody, undefined, ProductParams>) =>
  ok(await update(deps, request.params.id, request.body, request.correlationId));

export const handler = api(updateProduct, { body: UpdateProductBody, params: ProductParams });
