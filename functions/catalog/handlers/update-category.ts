import { type ApiRequest, api } from '../../shared/api';
import { ok } from '../../shared/http';
import { deps } from '../deps';
import { CategoryParams, UpdateCategoryBody } from '../schemas';
import { updateCategory as update } from '../service';

export const updateCategory = async (request: ApiRequest<UpdateCategoryBody, undefined, CategoryParams>) =>
  ok(await update(deps, request.params.id, request.body));

export const handler = api(updateCategory, { body: UpdateCategoryBody, params: CategoryParams });
