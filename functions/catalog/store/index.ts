import { documentClient, type TransactWriteItem } from '../../shared/dynamo';
import { categoryIdOf } from '../category-id';
import { type CategoryRecord, type CategoryStore, categoryStore } from './categories';
import type { StartKey } from './keys';
import { type ChangeMark, type ChangeOutbox, changeOutbox, type PendingChange, type ProductChange } from './outbox';
import {
  type ProductListing,
  type ProductRecord,
  type ProductSortField,
  type ProductStore,
  productStore,
} from './products';

/**
 * The catalog table's access, in three parts that share it: products (with their SKU guards), categories, and
 * the ProductChanged outbox marks on product items. Only store/ knows the table's key shapes and indexes.
 */
export type CatalogStore = ProductStore & CategoryStore & ChangeOutbox;

export const dynamoCatalogStore = (client = documentClient): CatalogStore => ({
  ...productStore(client),
  ...categoryStore(client),
  ...changeOutbox(client),
});

/** A write of another table for createProduct's transaction (the stock record); opaque to the catalog. */
export type {
  CategoryRecord,
  ChangeMark,
  PendingChange,
  ProductChange,
  ProductListing,
  ProductRecord,
  ProductSortField,
  StartKey,
  TransactWriteItem,
};
export { categoryIdOf };
