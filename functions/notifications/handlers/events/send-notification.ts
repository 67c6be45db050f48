import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { Context } from 'aws-lambda';
import { isNotifiedEvent } from '../../../../lib/spec/notified-events';
import { config, tableName } from '../../../shared/config';
import { documentClient } from '../../../shared/dynamo';
import { type EventDetail, eventEnvelope } from '../../../shared/event-catalog';
import { logger } from '../../../shared/logger';
import { parse } from '../../../shared/validation';
import { usersStore } from '../../../users/store';
import { UnsupportedEventError } from '../../errors';
import { sesMailer } from '../../mailer';
import { type NotificationDeps, notify } from '../../service';

/** Long enough to outlive every redelivery: the rule targets give up on an event after 2 hours. */
const IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60;
const IDEMPOTENCY_KEY_PREFIX = 'notifications.email';

const deps: NotificationDeps = {
  users: usersStore(),
  send: sesMailer(config.mailFrom),
  adminEmail: config.adminEmail,
};

// A fixed partition (not the library's default of the function's name) so every deployment of this
// function, and a test calling it directly, finds the same records.
const persistenceStore = new DynamoDBPersistenceLayer({
  tableName: tableName('platform'),
  keyAttr: 'pk',
  sortKeyAttr: 'sk',
  expiryAttr: 'expiresAt',
  staticPkValue: `IDEMPOTENCY#${IDEMPOTENCY_KEY_PREFIX}`,
  awsSdkV3Client: documentClient,
});

/** Parses the EventBridge envelope and its detail against the event catalog, then sends the email. */
const sendNotification = async (event: unknown) => {
  const detailType = (event as { 'detail-type'?: unknown } | null)?.['detail-type'];
  if (typeof detailType !== 'string' || !isNotifiedEvent(detailType)) {
    throw new UnsupportedEventError(String(detailType));
  }
  const envelope = parse(eventEnvelope(detailType), event, `${detailType} event`);
  const sent = await notify(deps, detailType, envelope.detail as EventDetail<typeof detailType>);
  logger.info('notification sent', {
    eventId: envelope.id,
    detailType,
    subject: sent.subject,
    correlationId: envelope.detail.correlationId,
  });
  // Kept in the idempotency record: no address, so the platform table holds no personal data for it.
  return { eventId: envelope.id, subject: sent.subject };
};

/**
 * One email per event id, however often EventBridge delivers it. A failed attempt leaves no record,
 * so the retry sends; a concurrent duplicate fails as in progress and is retried by EventBridge.
 */
export const handler = makeIdempotent(async (event: unknown, _context: Context) => sendNotification(event), {
  persistenceStore,
  config: new IdempotencyConfig({
    eventKeyJmesPath: 'id',
    throwOnNoIdempotencyKey: true,
    expiresAfterSeconds: IDEMPOTENCY_TTL_SECONDS,
  }),
  keyPrefix: IDEMPOTENCY_KEY_PREFIX,
});
