import { createStockIfAbsentItem } from '../inventory/store';
import { publish } from '../shared/events';
import type { CatalogWriteDeps } from './service';
import { dynamoCatalogStore } from './store';

/** The catalog's write-side dependencies, created once per function instance. */
export const deps: CatalogWriteDeps = { store: dynamoCatalogStore(), stock: { createStockIfAbsentItem }, publish };
