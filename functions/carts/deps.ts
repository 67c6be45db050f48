import { dynamoCatalogStore } from '../catalog/store';
import type { CartsDeps } from './service';
import { cartsStore } from './store';

/** The cart context's dependencies, created once per function instance. */
export const deps: CartsDeps = { carts: cartsStore(), catalog: dynamoCatalogStore() };
