import { type ApiRequest, api } from '../../../shared/api';
import { created, ok } from '../../../shared/http';
import { deps } from '../../deps';
import { CreateCategoryBody } from '../../schemas';
import * as service from '../../service';

const putCategory = async (request: ApiRequest<CreateCategoryBody>) => {
  const { category, created: isNew } = await service.putCategory(deps, request.body);
  return isNew ? created(category) : ok(category);
};

export const handler = api(putCategory, { body: CreateCategoryBody });
