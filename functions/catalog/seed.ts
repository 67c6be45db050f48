import { sampleCategories, sampleProducts } from '../../lib/spec/sample-data';
import { toCents } from '../shared/money';
import type { CatalogStore } from './store';

/** Loads the sample catalog; a record that exists already is left as it is, so reloading is harmless. */
export const seedCatalog = async (store: CatalogStore, now = new Date()): Promise<{ created: number }> => {
  const timestamp = now.toISOString();
  const results = await Promise.all([
    ...sampleCategories.map((category) => store.putCategoryIfAbsent(category)),
    ...sampleProducts.map(({ price, stock: _stock, ...product }) =>
      store.putProductIfAbsent({
        ...product,
        priceCents: toCents(price),
        currency: 'USD',
        images: [`/images/products/${product.id}.svg`],
        createdAt: timestamp,
        updatedAt: timestamp,
      }),
    ),
  ]);
  return { created: results.filter(Boolean).length };
};
