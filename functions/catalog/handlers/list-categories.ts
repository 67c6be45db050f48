import { api } from '../../shared/api';
import { ok } from '../../shared/http';
import { listCategories as list } from '../service';
import { dynamoCatalogStore } from '../store';

const store = dynamoCatalogStore();

export const listCategories = async () => ok(await list(store));

export const handler = api(listCategories);
