import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { EVENT_SOURCE_PREFIX } from '../../lib/event-rules';
import { config } from './config';

let client: EventBridgeClient | undefined;

export interface DomainEvent {
  /** The bounded context that emits it: the event's source is `shop.<context>`. */
  context: string;
  detailType: string;
  /** Version of the detail's shape, so consumers can tell old from new. */
  version: number;
  correlationId: string;
  data: Record<string, unknown>;
}

export class PublishError extends Error {}

/** Puts domain events on the platform bus; EventBridge gives each its id and time. */
export const publish = async (...events: DomainEvent[]): Promise<void> => {
  client ??= new EventBridgeClient({});
  const { FailedEntryCount, Entries } = await client.send(
    new PutEventsCommand({
      Entries: events.map((event) => ({
        EventBusName: config.eventBusName,
        Source: `${EVENT_SOURCE_PREFIX}${event.context}`,
        DetailType: event.detailType,
        Detail: JSON.stringify({ version: event.version, correlationId: event.correlationId, ...event.data }),
      })),
    }),
  );
  if (FailedEntryCount) {
    const reasons = (Entries ?? []).filter((e) => e.ErrorCode).map((e) => `${e.ErrorCode}: ${e.ErrorMessage}`);
    throw new PublishError(`${FailedEntryCount} event(s) not published: ${reasons.join('; ')}`);
  }
};
