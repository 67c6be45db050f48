import { type ApiRequest, api } from '../../../shared/api';
import { ok } from '../../../shared/http';
import { defaultSearchIndex } from '../../opensearch';
import { SearchQuery } from '../../schemas';
import * as service from '../../service';

const index = defaultSearchIndex();

const searchProducts = async (request: ApiRequest<undefined, SearchQuery>) =>
  ok(await service.searchProducts(index, request.query));

export const handler = api(searchProducts, { query: SearchQuery });
