import { type ApiRequest, api } from '../../shared/api';
import { created } from '../../shared/http';
import { deps } from '../deps';
import { CreateProductBody } from '../schemas';
import { createProduct as create } from '../service';

export const createProduct = async (request: ApiRequest<CreateProductBody>) =>
  created(await create(deps, request.body, request.correlationId));

export const handler = api(createProduct, { body: CreateProductBody });
