import { type ApiRequest, api } from '../../shared/api';
import { ok } from '../../shared/http';
import { defaultSearchIndex } from '../opensearch';
import { SearchQuery } from '../schemas';
import { searchProducts as search } from '../service';

const index = defaultSearchIndex();

export const searchProducts = async (request: ApiRequest<undefined, SearchQuery>) =>
  ok(await search(index, request.query));

export const handler = api(searchProducts, { query: SearchQuery });
