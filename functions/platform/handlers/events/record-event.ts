import { detailTypes, eventKey, parseEvent } from '../../../shared/event-catalog';
import { logger } from '../../../shared/logger';
import { platformStore } from '../../store';

const store = platformStore();
const JOURNAL_RETENTION_DAYS = 90;

/**
 * Keeps every domain event in the journal (90 days) so an order's story can be traced by correlation id. The
 * event is checked against the catalog; the detail is kept as delivered, fields the catalog does not list included.
 */
export const handler = async (event: unknown): Promise<void> => {
  const parsed = parseEvent(detailTypes, event);
  const { source, time } = parsed;
  // Once per event: a republished one (its own id, a new envelope id) is the same entry.
  const id = eventKey(parsed);
  const recorded = await store.recordEvent({
    id,
    source,
    detailType: parsed['detail-type'],
    time,
    detail: (event as { detail: unknown }).detail,
    expiresAt: Math.floor(Date.parse(time) / 1000) + JOURNAL_RETENTION_DAYS * 86_400,
    correlationId: parsed.detail.correlationId,
  });
  if (!recorded) logger.info('duplicate event ignored', { eventId: id });
};
