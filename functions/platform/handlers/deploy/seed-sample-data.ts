import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { sampleProducts } from '../../../../lib/spec/sample-data';
import { seedCatalog } from '../../../catalog/seed';
import { dynamoCatalogStore } from '../../../catalog/store';
import { inventoryStore } from '../../../inventory/store';
import { logger } from '../../../shared/logger';
import { seedDemoUsers } from '../../../users/seed';
import { usersStore } from '../../../users/store';

/** The resource property that asks for the demo accounts too (the stage was deployed with -c demoUsers=true). */
export const DEMO_USERS_PROPERTY = 'demoUsers';

/**
 * Custom resource of the dev stage (never deployed in prod): loads the sample catalog and its stock on create
 * and update, and the demo accounts only when its `demoUsers` property is 'true'. Every write is
 * create-if-absent, so a redeploy never overwrites what the shop changed since; deleting the resource leaves the
 * data alone (demo accounts loaded once stay until deleted: see README).
 */
export const handler = async (event: CloudFormationCustomResourceEvent) => {
  if (event.RequestType === 'Delete') return { PhysicalResourceId: event.PhysicalResourceId };
  const withDemoUsers = String(event.ResourceProperties[DEMO_USERS_PROPERTY]) === 'true';
  const [catalog, stock, users] = await Promise.all([
    seedCatalog(dynamoCatalogStore()),
    Promise.all(sampleProducts.map((p) => inventoryStore().createStockIfAbsent(p.sku, p.stock))),
    withDemoUsers ? seedDemoUsers({ users: usersStore() }) : Promise.resolve(0),
  ]);
  const created = { catalog: catalog.created, stock: stock.filter(Boolean).length, users };
  logger.info('sample data loaded', created);
  return { PhysicalResourceId: 'sample-data', Data: created };
};
