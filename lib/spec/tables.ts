/**
 * The DynamoDB tables, as plain data: CDK builds them from this and the local sandbox creates
 * the very same tables (keys, indexes, TTL) in DynamoDB Local.
 */
export type TableName = 'users' | 'catalog' | 'inventory' | 'carts' | 'orders' | 'payments' | 'platform';

export interface KeyAttribute {
  name: string;
  type: 'S' | 'N';
}

export interface IndexSpec {
  name: string;
  partitionKey: KeyAttribute;
  sortKey?: KeyAttribute;
}

export interface TableSpec {
  /** Environment variable that carries the table's physical name into a function. */
  envVar: string;
  partitionKey: KeyAttribute;
  sortKey?: KeyAttribute;
  indexes: IndexSpec[];
  ttlAttribute?: string;
}

const pk: KeyAttribute = { name: 'pk', type: 'S' };
const sk: KeyAttribute = { name: 'sk', type: 'S' };

export const tables: Record<TableName, TableSpec> = {
  users: {
    envVar: 'USERS_TABLE',
    partitionKey: pk,
    sortKey: sk,
    indexes: [{ name: 'gsi1', partitionKey: { name: 'gsi1pk', type: 'S' }, sortKey: { name: 'gsi1sk', type: 'S' } }],
    // Revoked-session records expire with the token they revoke.
    ttlAttribute: 'expiresAt',
  },
  catalog: {
    envVar: 'CATALOG_TABLE',
    partitionKey: pk,
    sortKey: sk,
    // Sparse listing indexes: a hidden (soft-deleted) product drops its listPk/category attributes.
    indexes: [
      { name: 'byPrice', partitionKey: { name: 'listPk', type: 'S' }, sortKey: { name: 'priceCents', type: 'N' } },
      { name: 'byName', partitionKey: { name: 'listPk', type: 'S' }, sortKey: { name: 'nameKey', type: 'S' } },
      {
        name: 'byCategoryPrice',
        partitionKey: { name: 'categoryKey', type: 'S' },
        sortKey: { name: 'priceCents', type: 'N' },
      },
      {
        name: 'byCategoryName',
        partitionKey: { name: 'categoryKey', type: 'S' },
        sortKey: { name: 'nameKey', type: 'S' },
      },
      { name: 'bySku', partitionKey: { name: 'sku', type: 'S' } },
      // The ProductChanged outbox (sparse): products whose change is not on the bus yet, oldest first.
      {
        name: 'byPendingChange',
        partitionKey: { name: 'outboxPk', type: 'S' },
        sortKey: { name: 'outboxAt', type: 'S' },
      },
    ],
  },
  inventory: { envVar: 'INVENTORY_TABLE', partitionKey: pk, sortKey: sk, indexes: [] },
  carts: { envVar: 'CARTS_TABLE', partitionKey: pk, sortKey: sk, indexes: [], ttlAttribute: 'expiresAt' },
  orders: {
    envVar: 'ORDERS_TABLE',
    partitionKey: pk,
    sortKey: sk,
    // gsi1: a user's orders, newest first; gsi2: orders by status (admin).
    indexes: [
      { name: 'gsi1', partitionKey: { name: 'gsi1pk', type: 'S' }, sortKey: { name: 'gsi1sk', type: 'S' } },
      { name: 'gsi2', partitionKey: { name: 'gsi2pk', type: 'S' }, sortKey: { name: 'gsi2sk', type: 'S' } },
    ],
    // Idempotency-Key records expire after a day.
    ttlAttribute: 'expiresAt',
  },
  payments: {
    envVar: 'PAYMENTS_TABLE',
    partitionKey: pk,
    sortKey: sk,
    indexes: [{ name: 'gsi1', partitionKey: { name: 'gsi1pk', type: 'S' }, sortKey: { name: 'gsi1sk', type: 'S' } }],
    ttlAttribute: 'expiresAt',
  },
  platform: {
    envVar: 'PLATFORM_TABLE',
    partitionKey: pk,
    sortKey: sk,
    // gsi1: one time-ordered feed per kind (events by day, the audit log); gsi2: the audit log by actor.
    indexes: [
      { name: 'gsi1', partitionKey: { name: 'gsi1pk', type: 'S' }, sortKey: { name: 'gsi1sk', type: 'S' } },
      { name: 'gsi2', partitionKey: { name: 'gsi2pk', type: 'S' }, sortKey: { name: 'gsi2sk', type: 'S' } },
    ],
    ttlAttribute: 'expiresAt',
  },
};

export const tableNames = Object.keys(tables) as TableName[];
