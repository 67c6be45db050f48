import { dynamoCatalogStore, type StartKey } from '../catalog/store';
import { defaultSearchIndex } from './opensearch';
import type { CatalogProduct, CatalogSource } from './service';

const catalog = dynamoCatalogStore();

/** Every page of a paged catalog read, the empty ones left out. */
async function* allPages(
  read: (startKey: StartKey | undefined) => Promise<{ items: CatalogProduct[]; lastKey?: StartKey }>,
): AsyncIterable<CatalogProduct[]> {
  let startKey: StartKey | undefined;
  do {
    const page = await read(startKey);
    if (page.items.length > 0) yield page.items;
    startKey = page.lastKey;
  } while (startKey);
}

/** The catalog table as the source of a refill or a rebuild. */
export const catalogSource: CatalogSource = {
  // Live products, 100 at a time, in the catalog's name order.
  livePages: () =>
    allPages((startKey) => catalog.listProducts({ sortBy: 'name', descending: false, limit: 100, startKey })),
  // Products changed at or after `since`, deleted ones included, a scan page at a time.
  changedSince: (since) => allPages((startKey) => catalog.productsChangedSince({ since, startKey })),
};

export const indexerDeps = () => ({ index: defaultSearchIndex(), getProduct: (id: string) => catalog.getProduct(id) });
