import { tableName } from '../../shared/config';

/** The catalog table's key shapes: products, their SKU guards and categories share the table. */
export const catalogTable = () => tableName('catalog');

export const productKey = (id: string) => ({ pk: `PRODUCT#${id}`, sk: 'PRODUCT' });
export const categoryKey = (id: string) => ({ pk: `CATEGORY#${id}`, sk: 'CATEGORY' });
// The SKU guard: one item per SKU, written with its product, so two products never share a SKU.
export const skuKey = (sku: string) => ({ pk: `SKU#${sku}`, sk: 'SKU' });

// Products and categories share the byName index, each under its own partition (`listPk`).
export const PRODUCT_LIST = 'PRODUCT';
export const CATEGORY_LIST = 'CATEGORY';
export const nameKey = (name: string, id: string) => `${name.toLowerCase()}#${id}`;

/** Where a page of a query or scan stopped, as DynamoDB gives it back. */
export type StartKey = Record<string, string | number>;
