import type { ScheduledEvent } from 'aws-lambda';
import { publish } from '../../../shared/events';
import { logger } from '../../../shared/logger';
import { republishPendingChanges } from '../../service';
import { dynamoCatalogStore } from '../../store';

const deps = { store: dynamoCatalogStore(), publish };

/**
 * Runs on a schedule: publishes the ProductChanged events whose publishing failed after their write (the
 * outbox marks the write left). A failure throws, so the scheduled invocation is retried; the marks stay.
 */
export const handler = async (_event: ScheduledEvent): Promise<void> => {
  const { published, cleared } = await republishPendingChanges(deps);
  if (published > 0) logger.info('pending product changes republished', { published, cleared });
};
