import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { sampleProducts } from '../../../../lib/spec/sample-data';
import { seedCatalog } from '../../../catalog/seed';
import { dynamoCatalogStore } from '../../../catalog/store';
import { inventoryStore } from '../../../inventory/store';
import { logger } from '../../../shared/logger';
import { seedDemoUsers } from '../../../users/seed';
import { usersStore } from '../../../users/store';

/**
 * Custom resource of the dev stage (never deployed in prod): loads the sample catalog, its stock
 * and the demo accounts on create and update. Every write is create-if-absent, so a redeploy never
 * overwrites what the shop changed since; deleting the resource leaves the data alone.
 */
export const handler = async (event: CloudFormationCustomResourceEvent) => {
  if (event.RequestType === 'Delete') return { PhysicalResourceId: event.PhysicalResourceId };
  const [catalog, stock, users] = await Promise.all([
    seedCatalog(dynamoCatalogStore()),
    Promise.all(sampleProducts.map((p) => inventoryStore().createStockIfAbsent(p.sku, p.stock))),
    seedDemoUsers({ users: usersStore() }),
  ]);
  const created = { catalog: catalog.created, stock: stock.filter(Boolean).length, users };
  logger.info('sample data loaded', created);
  return { PhysicalResourceId: 'sample-data', Data: created };
};
