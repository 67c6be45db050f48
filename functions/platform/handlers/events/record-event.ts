import type { EventBridgeEvent } from 'aws-lambda';
import { logger } from '../../../shared/logger';
import { platformStore } from '../../store';

const store = platformStore();
const JOURNAL_RETENTION_DAYS = 90;

const correlationIdOf = (detail: unknown): string | undefined => {
  const value = (detail as { correlationId?: unknown } | null)?.correlationId;
  return typeof value === 'string' ? value : undefined;
};

/** Keeps every domain event in the journal (90 days) so an order's story can be traced by correlation id. */
export const handler = async (event: EventBridgeEvent<string, unknown>): Promise<void> => {
  const correlationId = correlationIdOf(event.detail);
  const recorded = await store.recordEvent({
    id: event.id,
    source: event.source,
    detailType: event['detail-type'],
    time: event.time,
    detail: event.detail,
    expiresAt: Math.floor(Date.parse(event.time) / 1000) + JOURNAL_RETENTION_DAYS * 86_400,
    ...(correlationId && { correlationId }),
  });
  if (!recorded) logger.info('duplicate event ignored', { eventId: event.id });
};
