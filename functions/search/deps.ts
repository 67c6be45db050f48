import { dynamoCatalogStore } from '../catalog/store';
import { defaultSearchIndex } from './opensearch';
import type { CatalogProduct, CatalogSource } from './service';

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

/** Products changed at or after `since`, deleted ones included, a scan page at a time. */
async function* changedPages(since: string): AsyncIterable<CatalogProduct[]> {
  let startKey: Record<string, string | number> | undefined;
  do {
    const page = await catalog.productsChangedSince({ since, startKey });
    if (page.items.length > 0) yield page.items;
    startKey = page.lastKey;
  } while (startKey);
}

/** The catalog table as the source of a refill or a rebuild. */
export const catalogSource: CatalogSource = { livePages: () => catalogPages(), changedSince: changedPages };

export const indexerDeps = () => ({ index: defaultSearchIndex(), getProduct: (id: string) => catalog.getProduct(id) });
