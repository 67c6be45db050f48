import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { ZodMiniType } from 'zod/mini';
import { EVENT_SOURCE_PREFIX } from '../../lib/spec/event-source';
import { config } from './config';
import { ValidationError } from './errors';
import { type DomainEvent, eventCatalog, isDetailType } from './event-catalog';
import { parse } from './validation';

export type { DomainEvent } from './event-catalog';

let client: EventBridgeClient | undefined;

/** An event of no known type, as eventDetail() checks it at run time (a DomainEvent is one). */
export interface UncheckedEvent {
  context: string;
  detailType: string;
  version: number;
  correlationId: string;
  data: object;
  id?: string;
  at?: string;
}

export class PublishError extends Error {}

/** The detail as it goes on the bus, checked against the event catalog: a malformed event never leaves its publisher. */
export const eventDetail = (event: UncheckedEvent): Record<string, unknown> => {
  const detail = {
    version: event.version,
    correlationId: event.correlationId,
    ...(event.id !== undefined && { eventId: event.id }),
    ...event.data,
  };
  if (!isDetailType(event.detailType)) throw new PublishError(`${event.detailType} is not in the event catalog`);
  const entry: { context: string; detail: ZodMiniType<unknown> } = eventCatalog[event.detailType];
  if (event.context !== entry.context) {
    throw new PublishError(`${event.detailType} comes from ${entry.context}, not ${event.context}`);
  }
  try {
    parse(entry.detail, detail, `${event.detailType} detail`);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    const issues = (error.details as { path: string; message: string }[]).map((i) => `${i.path}: ${i.message}`);
    throw new PublishError(`${event.detailType} does not match the event catalog: ${issues.join('; ')}`);
  }
  // The publisher's own detail, not the parsed copy: a field the catalog does not list yet still reaches consumers.
  return detail;
};

/**
 * Puts domain events on the platform bus, validated against the catalog. Each carries its own id in the detail
 * (`eventId`, given here if the event has none) and its own time as the envelope's `time`, so that publishing it
 * again (an outbox's sweeper) delivers the same event; EventBridge's envelope id is new on every publish.
 */
export const publish = async (...events: DomainEvent[]): Promise<void> => {
  const details = events.map((event) => eventDetail({ ...event, id: event.id ?? globalThis.crypto.randomUUID() }));
  client ??= new EventBridgeClient({});
  const { FailedEntryCount, Entries } = await client.send(
    new PutEventsCommand({
      Entries: events.map((event, i) => ({
        EventBusName: config.eventBusName,
        Source: `${EVENT_SOURCE_PREFIX}${event.context}`,
        DetailType: event.detailType,
        Detail: JSON.stringify(details[i]),
        ...(event.at !== undefined && { Time: new Date(event.at) }),
      })),
    }),
  );
  if (FailedEntryCount) {
    const reasons = (Entries ?? []).filter((e) => e.ErrorCode).map((e) => `${e.ErrorCode}: ${e.ErrorMessage}`);
    throw new PublishError(`${FailedEntryCount} event(s) not published: ${reasons.join('; ')}`);
  }
};
