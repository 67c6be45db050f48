import type { Context } from 'aws-lambda';
import { notifiedEvents } from '../../../../lib/spec/notified-events';
import { parseEvent } from '../../../shared/event-catalog';
import { deps } from '../../deps';
import { sendNotification } from '../../service';

/**
 * The email of a notified event, once per event id. A malformed event throws before anything is sent or
 * remembered, to end in the dead-letter queue.
 */
export const handler = async (event: unknown, context?: Context) =>
  sendNotification(deps, parseEvent(notifiedEvents, event), context);
