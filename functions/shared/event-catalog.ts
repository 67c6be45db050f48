import * as z from 'zod/mini';
import { SUSPICIOUS_ACTIVITY_KINDS } from '../../lib/spec/security-alerts';
import { ValidationError } from './errors';
import { parse } from './validation';

/**
 * The catalog of domain events: one schema per `detail-type`, the single source of what each event
 * carries. Publishers validate against it before PutEvents (functions/shared/events.ts), consumers
 * parse with it, and docs/events.md is generated from it (bin/generate-event-docs.ts).
 *
 * Schemas are loose objects on purpose: a publisher may add a field without breaking consumers; a
 * field it drops or mistypes fails at the publisher, before anything reaches the bus.
 */

const Id = z.string().check(z.minLength(1), z.maxLength(128));
const Cents = z.int().check(z.minimum(0));
const Currency = z.string().check(z.regex(/^[A-Z]{3}$/));
const IsoTime = z.iso.datetime({ offset: true });

const OrderLine = z.object({
  productId: Id,
  sku: Id,
  name: z.string().check(z.maxLength(300)),
  quantity: z.int().check(z.minimum(1)),
  unitPriceCents: Cents,
  lineTotalCents: Cents,
});

const ShippingAddress = z.object({
  name: z.string().check(z.maxLength(100)),
  line1: z.string().check(z.maxLength(200)),
  line2: z.optional(z.string().check(z.maxLength(200))),
  city: z.string().check(z.maxLength(100)),
  postalCode: z.string().check(z.maxLength(12)),
  country: z.string().check(z.regex(/^[A-Z]{2}$/)),
});

/** What every detail carries besides its own fields. */
const common = {
  version: z.literal(1),
  correlationId: z.string().check(z.minLength(1), z.maxLength(256)),
  /**
   * The domain event's own id, given once by its publisher and kept by every publish of it (an outbox's republish,
   * a replay from the archive), where EventBridge's envelope id is new each time: consumers' idempotency key.
   */
  eventId: z.optional(Id),
};

const detail = <T extends z.core.$ZodLooseShape>(shape: T) => z.object({ ...common, ...shape });

const OrderRef = { orderId: Id, userId: Id };

export const eventCatalog = {
  UserRegistered: {
    context: 'users',
    description: 'A customer account was created (POST /auth/register).',
    detail: detail({
      userId: Id,
      email: z.string().check(z.maxLength(254)),
      firstName: z.string().check(z.maxLength(100)),
      lastName: z.string().check(z.maxLength(100)),
    }),
  },
  OrderPlaced: {
    context: 'orders',
    description: 'An order was created from the cart; the checkout saga has started.',
    detail: detail({ ...OrderRef, totalCents: Cents, currency: Currency, lines: z.array(OrderLine) }),
  },
  OrderConfirmed: {
    context: 'orders',
    description: 'The checkout saga reserved the stock and charged the payment.',
    detail: detail({
      ...OrderRef,
      totalCents: Cents,
      currency: Currency,
      lines: z.array(OrderLine),
      shippingAddress: ShippingAddress,
      placedAt: z.optional(IsoTime),
    }),
  },
  OrderFailed: {
    context: 'orders',
    description: 'The checkout saga gave up; stock and payment were compensated.',
    detail: detail({ ...OrderRef, reason: z.string().check(z.maxLength(200)) }),
  },
  OrderCancelled: {
    context: 'orders',
    description: 'The order was cancelled (from PENDING or CONFIRMED).',
    detail: detail({
      ...OrderRef,
      previousStatus: z.enum(['PENDING', 'CONFIRMED']),
      lines: z.array(OrderLine),
      totalCents: z.optional(Cents),
      currency: z.optional(Currency),
    }),
  },
  OrderRequiresAttention: {
    context: 'orders',
    description:
      "A step of the order's checkout kept failing (a refund, a release of stock, a commit, failing the order) or no run could settle it: its payment and stock may not agree with it until an admin resolves it.",
    detail: detail({
      ...OrderRef,
      /** The status the order had; resolving it goes back there. */
      previousStatus: z.enum(['PENDING', 'CONFIRMED', 'SHIPPED', 'DELIVERED', 'FAILED', 'CANCELLED']),
      /** The checkout's failure reason (PAYMENT_DECLINED, ...), NOT_SETTLED (the reconciler gave up) or the step's. */
      reason: z.string().check(z.maxLength(200)),
      /** The saga's steps that kept failing (RefundPayment, ReleaseStock, FailOrder, CommitStock). */
      steps: z.array(z.string().check(z.maxLength(64))),
      totalCents: Cents,
      currency: Currency,
    }),
  },
  OrderShipped: {
    context: 'orders',
    description: 'An admin marked the order shipped.',
    detail: detail(OrderRef),
  },
  OrderDelivered: {
    context: 'orders',
    description: 'An admin marked the order delivered.',
    detail: detail(OrderRef),
  },
  PaymentSucceeded: {
    context: 'payments',
    description: "The order's charge succeeded.",
    detail: detail({ paymentId: Id, ...OrderRef, amountCents: Cents, currency: Currency }),
  },
  PaymentFailed: {
    context: 'payments',
    description: "The order's charge was declined or failed.",
    detail: detail({ ...OrderRef, amountCents: Cents, currency: Currency, reason: z.string().check(z.maxLength(200)) }),
  },
  PaymentRefunded: {
    context: 'payments',
    description: "The order's charge was refunded.",
    detail: detail({ paymentId: Id, ...OrderRef, amountCents: Cents, currency: Currency }),
  },
  ProductChanged: {
    context: 'catalog',
    description: 'An admin created, updated or deleted a product; the search index follows it.',
    detail: detail({ productId: Id, change: z.enum(['created', 'updated', 'deleted']) }),
  },
  InventoryLow: {
    context: 'inventory',
    description: "A SKU's available stock fell to the threshold or below.",
    detail: detail({ sku: Id, available: z.int(), threshold: z.int() }),
  },
  SuspiciousActivityDetected: {
    context: 'security',
    description:
      'An attack pattern, once per episode: failed sign-ins that locked an account, many rejected tokens or refusals from one IP, or an admin signing in from an IP not seen before for them.',
    detail: detail({
      kind: z.enum(SUSPICIOUS_ACTIVITY_KINDS),
      /** The client IP of the request that crossed the threshold (or signed in). */
      ip: z.string().check(z.minLength(1), z.maxLength(64)),
      userAgent: z.optional(z.string().check(z.maxLength(512))),
      /** The account concerned: the one signed in (admin_new_ip), or the one whose sign-ins failed when it exists. */
      userId: z.optional(Id),
      email: z.optional(z.string().check(z.maxLength(254))),
      /** Events counted in the window when the threshold was reached. */
      count: z.int().check(z.minimum(1)),
      /** The window's length in seconds; 0 for a single event (admin_new_ip). */
      windowSeconds: z.int().check(z.minimum(0)),
      detectedAt: IsoTime,
    }).check(
      z.refine((d) => d.kind !== 'login_failures' || d.email !== undefined, {
        message: 'login_failures names the email',
        path: ['email'],
      }),
      z.refine((d) => d.kind !== 'admin_new_ip' || d.userId !== undefined, {
        message: 'admin_new_ip names the admin',
        path: ['userId'],
      }),
    ),
  },
} as const;

export type DetailType = keyof typeof eventCatalog;
export type EventDetail<T extends DetailType> = z.infer<(typeof eventCatalog)[T]['detail']>;

export const detailTypes = Object.keys(eventCatalog) as DetailType[];

export const isDetailType = (value: string): value is DetailType => Object.hasOwn(eventCatalog, value);

/**
 * The EventBridge envelope as delivered to a Lambda target: the fields of Powertools' EventBridgeSchema,
 * in zod/mini (the parser's schemas pull in classic zod, about +50 ms of cold start per function).
 */
export const eventEnvelope = <T extends DetailType>(detailType: T) =>
  z.object({
    version: z.string(),
    id: z.string().check(z.minLength(1)),
    'detail-type': z.literal(detailType),
    source: z.literal(`shop.${eventCatalog[detailType].context}`),
    account: z.string(),
    time: IsoTime,
    region: z.string(),
    resources: z.array(z.string()),
    detail: eventCatalog[detailType].detail as (typeof eventCatalog)[T]['detail'],
  });

/** An event as delivered, for one detail type or a union of them (discriminated by `detail-type`). */
export type EventEnvelope<T extends DetailType> = T extends DetailType
  ? z.infer<ReturnType<typeof eventEnvelope<T>>>
  : never;

/** What a publisher supplies of a detail: the catalog's fields but the common ones, which publish() adds. */
export type EventData<T extends DetailType> = Omit<z.input<(typeof eventCatalog)[T]['detail']>, keyof typeof common>;

/**
 * A domain event as its publisher builds it, typed by the catalog: `detailType` picks the context it comes
 * from, its version and what `data` must hold (the detail but the common fields). As in the catalog, a field
 * it does not list yet is allowed.
 */
export type DomainEvent<T extends DetailType = DetailType> = T extends DetailType
  ? {
      /** The bounded context that emits it: the event's source is `shop.<context>`. */
      context: (typeof eventCatalog)[T]['context'];
      detailType: T;
      /** Version of the detail's shape, so consumers can tell old from new. */
      version: EventDetail<T>['version'];
      correlationId: string;
      data: EventData<T> & Record<string, unknown>;
      /** Its own id (the detail's `eventId`), the same however often it is published; one is given if absent. */
      id?: string;
      /** When it happened (ISO 8601), the envelope's `time` however late it is published; now if absent. */
      at?: string;
    }
  : never;

/** The event of a detail type, with its context and version from the catalog, and an id and time of its own. */
export const domainEvent = <T extends DetailType>(
  detailType: T,
  correlationId: string,
  data: EventData<T> & Record<string, unknown>,
  at: Date = new Date(),
): DomainEvent<T> =>
  ({
    context: eventCatalog[detailType].context,
    detailType,
    version: 1,
    correlationId,
    data,
    id: globalThis.crypto.randomUUID(),
    at: at.toISOString(),
  }) as DomainEvent<T>;

/**
 * What a consumer does an event once per: its domain id (`detail.eventId`), the same on a republish or a replay,
 * or else (an event published before ids were given) EventBridge's id of the delivery.
 */
export const eventKey = (event: { id: string; detail: { eventId?: string | undefined } }): string =>
  event.detail.eventId ?? event.id;

const envelopes = new Map<DetailType, z.ZodMiniType>();
const envelopeOf = (detailType: DetailType) => {
  const schema = envelopes.get(detailType) ?? eventEnvelope(detailType);
  envelopes.set(detailType, schema);
  return schema;
};

/**
 * A consumer's event, parsed with the catalog: the EventBridge envelope and the whole detail of its type
 * (`parseEvent('OrderCancelled', event).detail` is an OrderCancelled detail), or of any of the types given,
 * told apart by `detail-type`. A malformed event throws a ValidationError, to end in the dead-letter queue
 * rather than vanish.
 */
export const parseEvent = <const T extends DetailType>(
  accepted: T | readonly T[],
  event: unknown,
): EventEnvelope<T> => {
  const types: readonly DetailType[] = typeof accepted === 'string' ? [accepted] : accepted;
  const received = (event as { 'detail-type'?: unknown } | null)?.['detail-type'];
  const detailType = types.length === 1 ? types[0] : types.find((type) => type === received);
  if (detailType === undefined) {
    const message = `Expected ${types.join(', ')}`;
    throw new ValidationError('Invalid event', [{ path: 'detail-type', message }]);
  }
  return parse(envelopeOf(detailType), event, `${detailType} event`) as EventEnvelope<T>;
};
