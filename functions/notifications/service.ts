import type { NotifiedEvent } from '../../lib/spec/notified-events';
import { type EventDetail, type EventEnvelope, eventKey } from '../shared/event-catalog';
import type { Deadline, Once } from '../shared/idempotency';
import { logger } from '../shared/logger';
import { RecipientNotFoundError } from './errors';
import type { Email, Greeting } from './templates/email';
import { inventoryLow } from './templates/inventory-low';
import { orderCancelled } from './templates/order-cancelled';
import { orderConfirmed } from './templates/order-confirmed';
import { orderDelivered } from './templates/order-delivered';
import { orderFailed } from './templates/order-failed';
import { orderShipped } from './templates/order-shipped';
import { paymentRefunded } from './templates/payment-refunded';
import { suspiciousActivity } from './templates/suspicious-activity';
import { welcome } from './templates/welcome';

export interface Outgoing {
  to: string;
  email: Email;
}

export interface NotificationDeps {
  users: { getById(id: string): Promise<{ email: string; first_name: string } | undefined> };
  send(message: Outgoing): Promise<void>;
  adminEmail: string;
  /** Whether SES reported the address as bouncing or complaining (the suppression list): then nothing is sent. */
  isSuppressed(email: string): Promise<boolean>;
  /** Counts an email not sent to a suppressed address (a metric). */
  suppressed?(detailType: NotifiedEvent): void;
}

/** The recipient comes from the user's record, never from the event: the record is where an address is kept current. */
const toCustomer = async (deps: NotificationDeps, userId: string, render: (who: Greeting) => Email) => {
  const user = await deps.users.getById(userId);
  if (!user) throw new RecipientNotFoundError(userId);
  return { to: user.email, email: render({ firstName: user.first_name }) };
};

type Composers = {
  [T in NotifiedEvent]: (deps: NotificationDeps, detail: EventDetail<T>) => Promise<Outgoing>;
};

const composers: Composers = {
  UserRegistered: (deps, d) => toCustomer(deps, d.userId, welcome),
  OrderConfirmed: (deps, d) => toCustomer(deps, d.userId, (who) => orderConfirmed({ ...who, ...d })),
  OrderFailed: (deps, d) => toCustomer(deps, d.userId, (who) => orderFailed({ ...who, ...d })),
  OrderCancelled: (deps, d) => toCustomer(deps, d.userId, (who) => orderCancelled({ ...who, ...d })),
  PaymentRefunded: (deps, d) => toCustomer(deps, d.userId, (who) => paymentRefunded({ ...who, ...d })),
  OrderShipped: (deps, d) => toCustomer(deps, d.userId, (who) => orderShipped({ ...who, ...d })),
  OrderDelivered: (deps, d) => toCustomer(deps, d.userId, (who) => orderDelivered({ ...who, ...d })),
  InventoryLow: async (deps, d) => ({ to: deps.adminEmail, email: inventoryLow(d) }),
  SuspiciousActivityDetected: async (deps, d) => ({ to: deps.adminEmail, email: suspiciousActivity(d) }),
};

/** The email an event calls for, to whom. */
export const compose = <T extends NotifiedEvent>(
  deps: NotificationDeps,
  detailType: T,
  detail: EventDetail<T>,
): Promise<Outgoing> => (composers[detailType] as Composers[T])(deps, detail);

/**
 * Composes and sends the event's email, unless its address is on the suppression list (a bounce or a complaint
 * reported by SES: sending again would hurt the sender's reputation); returns the recipient and subject for the log.
 */
export const notify = async <T extends NotifiedEvent>(
  deps: NotificationDeps,
  detailType: T,
  detail: EventDetail<T>,
): Promise<{ to: string; subject: string; suppressed?: true }> => {
  const message = await compose(deps, detailType, detail);
  if (await deps.isSuppressed(message.to)) {
    logger.warn('notification not sent: address suppressed', {
      detailType,
      domain: message.to.split('@')[1] ?? '',
    });
    deps.suppressed?.(detailType);
    return { to: message.to, subject: message.email.subject, suppressed: true };
  }
  await deps.send(message);
  return { to: message.to, subject: message.email.subject };
};

export interface EmailOnceDeps extends NotificationDeps {
  /** Keyed by the event's id. */
  once: Once<{ id: string }>;
}

/**
 * Emails a notified event once per event (its domain id, eventKey: the same when an outbox publishes it again),
 * however often EventBridge delivers it: a failed attempt leaves no record, so the retry sends; a concurrent
 * duplicate fails as in progress and is delivered again. Answers what the idempotency record keeps: no address,
 * so the platform table holds no personal data for it.
 */
export const sendNotification = async (
  deps: EmailOnceDeps,
  event: EventEnvelope<NotifiedEvent>,
  deadline?: Deadline,
): Promise<{ eventId: string; subject: string }> => {
  const id = eventKey(event);
  const { value } = await deps.once(
    { id },
    async () => {
      const sent = await notify<NotifiedEvent>(deps, event['detail-type'], event.detail as EventDetail<NotifiedEvent>);
      const { correlationId } = event.detail;
      logger.info('notification sent', {
        eventId: id,
        detailType: event['detail-type'],
        subject: sent.subject,
        correlationId,
      });
      return { eventId: id, subject: sent.subject };
    },
    deadline,
  );
  return value;
};
