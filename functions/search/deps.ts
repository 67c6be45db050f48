import { dynamoCatalogStore } from '../catalog/store';
import { defaultSearchIndex } from './opensearch';
import type { CatalogProduct } from './service';

const catalog = dynamoCatalogStore();

/** Live products, a page at a time, in the catalog's name order. */
export async function* catalogPages(pageSize = 100): AsyncIterable<CatalogProduct[]> {
  let startKey: Record<string, string | number> | undefined;
  do {
    const page = await catalog.listProducts({ sortBy: 'name', descending: false, limit: pageSize, startKey });
    if (page.items.length > 0) yield page.items;
    startKey = page.lastKey;
  } while (startKey);
}

export const indexerDeps = () => ({ index: defaultSearchIndex(), getProduct: (id: string) => catalog.getProduct(id) });
