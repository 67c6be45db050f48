import { type ApiRequest, api } from '../../../shared/api';
import { noContent } from '../../../shared/http';
import { deps } from '../../deps';
import { ProductParams } from '../../schemas';
import * as service from '../../service';

const deleteProduct = async (request: ApiRequest<undefined, undefined, ProductParams>) => {
  await service.deleteProduct(deps, request.params.id, request.correlationId);
  return noContent();
};

export const handler = api(deleteProduct, { params: ProductParams });
