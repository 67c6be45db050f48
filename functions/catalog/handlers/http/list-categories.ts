import { api } from '../../../shared/api';
import { ok } from '../../../shared/http';
import * as service from '../../service';
import { dynamoCatalogStore } from '../../store';

const store = dynamoCatalogStore();

const listCategories = async () => ok(await service.listCategories(store));

export const handler = api(listCategories);
