import { type ApiRequest, api } from '../../../shared/api';
import { created } from '../../../shared/http';
import { deps } from '../../deps';
import { CreateCategoryBody } from '../../schemas';
import * as service from '../../service';

const createCategory = async (request: ApiRequest<CreateCategoryBody>) =>
  created(await service.createCategory(deps, request.body));

export const handler = api(createCategory, { body: CreateCategoryBody });
