import { type ApiRequest, api } from '../../../shared/api';
import { ok } from '../../../shared/http';
import { ListStockQuery } from '../../schemas';
import * as service from '../../service';
import { inventoryStore } from '../../store';

const deps = { store: inventoryStore() };

/** Admin: every SKU's stock, or only those with fewer than `below` available, in the table's order. */
const listStock = async (request: ApiRequest<undefined, ListStockQuery>) =>
  ok(await service.listStock(deps, request.query));

export const handler = api(listStock, { query: ListStockQuery });
