import { type ApiRequest, api } from '../../shared/api';
import { noContent } from '../../shared/http';
import { deps } from '../deps';
import { ProductParams } from '../schemas';
import { deleteProduct as remove } from '../service';

export const deleteProduct = async (request: ApiRequest<undefined, undefined, ProductParams>) => {
  await remove(deps, request.params.id, request.correlationId);
  return noContent();
};

export const handler = api(deleteProduct, { params: ProductParams });
