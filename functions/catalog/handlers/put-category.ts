import { type ApiRequest, api } from '../../shared/api';
import { created, ok } from '../../shared/http';
import { deps } from '../deps';
import { CreateCategoryBody } from '../schemas';
import { putCategory as put } from '../service';

export const putCategory = async (request: ApiRequest<CreateCategoryBody>) => {
  const { category, created: isNew } = await put(deps, request.body);
  return isNew ? created(category) : ok(category);
};

export const handler = api(putCategory, { body: CreateCategoryBody });
