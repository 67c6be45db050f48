import { inventoryStore } from '../../../inventory/store';
import { type ApiRequest, api } from '../../../shared/api';
import { ok } from '../../../shared/http';
import { OverviewQuery } from '../../schemas';
import { overview } from '../../service';
import { reportingStore } from '../../store';

const deps = { store: reportingStore(), inventory: inventoryStore() };

/** Admin: the dashboard's overview of orders, revenue and low stock. */
const getOverview = async (request: ApiRequest<undefined, OverviewQuery>) => ok(await overview(deps, request.query));

export const handler = api(getOverview, { query: OverviewQuery });
