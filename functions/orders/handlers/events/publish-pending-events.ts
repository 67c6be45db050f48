import type { ScheduledEvent } from 'aws-lambda';
import { publish } from '../../../shared/events';
import { logger } from '../../../shared/logger';
import { sweepOutbox } from '../../../shared/outbox';
import { dynamoOutbox } from '../../../shared/outbox-store';

const deps = { publish, outbox: dynamoOutbox('orders') };

/**
 * Runs on a schedule: publishes the order events still in the orders table's outbox (their writer's publish failed,
 * or it died first). An event the bus refuses throws, once the others are out: the scheduled run fails, visibly.
 */
export const handler = async (_event: ScheduledEvent) => {
  const { published } = await sweepOutbox(deps);
  if (published > 0) logger.warn('order events published from the outbox', { published });
  return { published };
};
