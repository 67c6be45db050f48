import { type ApiRequest, api } from '../../../shared/api';
import { ok } from '../../../shared/http';
import { deps } from '../../deps';
import { ProductParams, UpdateProductBody } from '../../schemas';
import * as service from '../../service';

const updateProduct = async (request: ApiRequest<UpdateProductBody, undefined, ProductParams>) =>
  ok(await service.updateProduct(deps, request.params.id, request.body, request.correlationId));

export const handler = api(updateProduct, { body: UpdateProductBody, params: ProductParams });
