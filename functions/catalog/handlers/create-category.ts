import { type ApiRequest, api } from '../../shared/api';
import { created } from '../../shared/http';
import { deps } from '../deps';
import { CreateCategoryBody } from '../schemas';
import { createCategory as create } from '../service';

export const createCategory = async (request: ApiRequest<CreateCategoryBody>) =>
  created(await create(deps, request.body));

export const handler = api(createCategory, { body: CreateCategoryBody });
