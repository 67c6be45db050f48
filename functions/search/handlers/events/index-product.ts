import { parseEvent } from '../../../shared/event-catalog';
import { logger } from '../../../shared/logger';
import { indexerDeps } from '../../deps';
import { syncProduct } from '../../service';

const deps = indexerDeps();
// Once per instance: an upsert into a missing index would create it with a guessed mapping.
let ready: Promise<void> | undefined;

/**
 * Keeps the product's search document in line with the catalog table. A malformed event throws, to
 * end in the dead-letter queue rather than vanish; a failed index call throws, so EventBridge retries.
 */
export const handler = async (event: unknown): Promise<void> => {
  const { detail } = parseEvent('ProductChanged', event);
  ready ??= deps.index.ensureIndex().catch((error: unknown) => {
    ready = undefined;
    throw error;
  });
  await ready;
  const outcome = await syncProduct(deps, detail.productId);
  logger.info('product search document synced', { productId: detail.productId, change: detail.change, outcome });
};
