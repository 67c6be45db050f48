import { type ApiRequest, api } from '../../../shared/api';
import { created } from '../../../shared/http';
import { deps } from '../../deps';
import { CreateProductBody } from '../../schemas';
import * as service from '../../service';

const createProduct = async (request: ApiRequest<CreateProductBody>) =>
  created(await service.createProduct(deps, request.body, request.correlationId));

export const handler = api(createProduct, { body: CreateProductBody });
