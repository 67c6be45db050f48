import { type ApiRequest, api } from '../../../shared/api';
import { ok } from '../../../shared/http';
import { deps } from '../../deps';
import { CategoryParams, UpdateCategoryBody } from '../../schemas';
import * as service from '../../service';

const updateCategory = async (request: ApiRequest<UpdateCategoryBody, undefined, CategoryParams>) =>
  ok(await service.updateCategory(deps, request.params.id, request.body));

export const handler = api(updateCategory, { body: UpdateCategoryBody, params: CategoryParams });
