import type { FunctionSpec } from './bindings';
import { EVENT_SOURCE_PREFIX } from './event-source';
import { notifiedEvents } from './notified-events';
import { SUSPICIOUS_ACTIVITY } from './security-alerts';

export { EVENT_SOURCE_PREFIX };

interface RuleBase {
  /** PascalCase; becomes the rule's construct id. */
  name: string;
  description: string;
  target: FunctionSpec;
}

/** Delivers the platform bus's events that match its pattern. */
export interface PatternRule extends RuleBase {
  /** An EventBridge event pattern, matched by EventBridge in AWS and by local/eventbridge in the sandbox. */
  pattern: Record<string, unknown>;
  schedule?: undefined;
}

/**
 * Invokes its target on a schedule with a "Scheduled Event". EventBridge runs scheduled rules on the
 * account's default bus only, so this one lives there, not on the platform bus.
 */
export interface ScheduledRule extends RuleBase {
  /** An EventBridge schedule expression: `rate(1 minute)`, `rate(5 minutes)`, `rate(1 hour)`... */
  schedule: string;
  pattern?: undefined;
}

export type EventRule = PatternRule | ScheduledRule;

export const isScheduled = (rule: EventRule): rule is ScheduledRule => rule.schedule !== undefined;

/**
 * The event rule table: CDK creates one rule per entry (pattern rules on the platform bus, scheduled rules on
 * the default bus), the sandbox matches the same patterns and runs the same schedules.
 */
export const eventRules: EventRule[] = [
  {
    name: 'EventJournal',
    description:
      'Keeps every domain event in the platform table for 90 days (who did what, when, under which correlation id)',
    pattern: { source: [{ prefix: EVENT_SOURCE_PREFIX }] },
    target: { handler: 'platform/handlers/events/record-event', bindings: { platform: { eventJournal: ['write'] } } },
  },
  {
    name: 'PublishPendingSecurityAlerts',
    description:
      'Publishes the SuspiciousActivityDetected events that detections left pending in the platform table, once a minute',
    schedule: 'rate(1 minute)',
    target: {
      handler: SUSPICIOUS_ACTIVITY.publisher,
      bindings: { platform: { securityAlerts: ['publish'] }, events: true },
      timeout: 60,
    },
  },
  {
    name: 'AuditSuspiciousActivity',
    description:
      'Keeps each SuspiciousActivityDetected in the audit log and counts it in the CloudWatch metric the alarm watches',
    pattern: {
      source: [`${EVENT_SOURCE_PREFIX}${SUSPICIOUS_ACTIVITY.context}`],
      'detail-type': [SUSPICIOUS_ACTIVITY.detailType],
    },
    target: {
      handler: SUSPICIOUS_ACTIVITY.recorder,
      bindings: { platform: { audit: ['write'] } },
    },
  },
  {
    name: 'ClearCartOnOrderConfirmed',
    description: "Empties the buyer's cart once the order is confirmed",
    pattern: { source: ['shop.orders'], 'detail-type': ['OrderConfirmed'] },
    target: { handler: 'carts/handlers/events/clear-cart-on-order', bindings: { tables: { carts: 'readwrite' } } },
  },
  {
    name: 'RefundOnOrderCancelled',
    description: 'Refunds the payment of a confirmed order that was cancelled',
    pattern: { source: ['shop.orders'], 'detail-type': ['OrderCancelled'], detail: { previousStatus: ['CONFIRMED'] } },
    target: {
      handler: 'payments/handlers/events/refund-on-cancel',
      bindings: { tables: { payments: 'readwrite' }, platform: { idempotency: ['payments.refund'] }, events: true },
      timeout: 30,
    },
  },
  {
    name: 'RestockOnOrderCancelled',
    description: 'Puts the sold stock of a confirmed order that was cancelled back on sale',
    pattern: { source: ['shop.orders'], 'detail-type': ['OrderCancelled'], detail: { previousStatus: ['CONFIRMED'] } },
    target: {
      handler: 'inventory/handlers/events/restock-on-cancel',
      bindings: { tables: { inventory: 'readwrite' } },
    },
  },
  {
    name: 'SettleCancelledPendingOrder',
    description:
      'Has a PENDING order that was cancelled refunded and its stock released by a run of its own, should its checkout no longer run',
    pattern: { source: ['shop.orders'], 'detail-type': ['OrderCancelled'], detail: { previousStatus: ['PENDING'] } },
    target: {
      handler: 'orders/handlers/events/settle-cancelled-order',
      bindings: { tables: { orders: 'readwrite' }, checkout: 'describe' },
    },
  },
  {
    name: 'ReconcilePendingOrders',
    description:
      'Every 5 minutes: resumes each order PENDING for over 15 minutes whose checkout no longer runs (confirmed if reserved and charged, else failed and given back), or hands it to an admin',
    schedule: 'rate(5 minutes)',
    target: {
      handler: 'orders/handlers/events/reconcile-stalled-orders',
      bindings: { tables: { orders: 'readwrite' }, events: true, checkout: 'describe' },
      timeout: 60,
    },
  },
  {
    name: 'PublishPendingOrderEvents',
    description: "Publishes the order events left in the orders table's outbox (a publish that failed), once a minute",
    schedule: 'rate(1 minute)',
    target: {
      handler: 'orders/handlers/events/publish-pending-events',
      bindings: { tables: { orders: 'readwrite' }, events: true },
      timeout: 60,
    },
  },
  {
    name: 'PublishPendingPaymentEvents',
    description:
      "Publishes the payment events left in the payments table's outbox (a publish that failed), once a minute",
    schedule: 'rate(1 minute)',
    target: {
      handler: 'payments/handlers/events/publish-pending-events',
      bindings: { tables: { payments: 'readwrite' }, events: true },
      timeout: 60,
    },
  },
  {
    name: 'CountOrderEvents',
    description:
      "Keeps the admin overview's daily order counters (placed, confirmed, failed by reason, cancelled, revenue), once per event",
    pattern: {
      source: ['shop.orders'],
      'detail-type': ['OrderPlaced', 'OrderConfirmed', 'OrderFailed', 'OrderCancelled'],
    },
    target: {
      handler: 'reporting/handlers/events/count-order-event',
      bindings: { platform: { dailyCounters: ['count'] } },
    },
  },
  {
    name: 'IndexProductOnChange',
    description: "Upserts or removes the product's search document (the read model of the catalog)",
    pattern: { source: ['shop.catalog'], 'detail-type': ['ProductChanged'] },
    target: {
      handler: 'search/handlers/events/index-product',
      bindings: { tables: { catalog: 'read' }, search: 'index' },
    },
  },
  {
    name: 'RepublishPendingProductChanges',
    description:
      'Publishes the ProductChanged events that catalog writes left pending (their outbox marks), once a minute',
    schedule: 'rate(1 minute)',
    target: {
      handler: 'catalog/handlers/events/republish-product-changes',
      bindings: { tables: { catalog: 'readwrite' }, events: true },
      timeout: 60,
    },
  },
  {
    name: 'EmailNotifications',
    description:
      'Emails customers about their account and orders, and the admin about low stock and suspicious activity (SES)',
    pattern: { source: [{ prefix: EVENT_SOURCE_PREFIX }], 'detail-type': [...notifiedEvents] },
    target: {
      handler: 'notifications/handlers/events/send-notification',
      // users: the recipient's address and name; platform: the idempotency records and the suppression list.
      bindings: {
        tables: { users: 'read' },
        platform: { idempotency: ['notifications.email'], mailSuppression: ['read'] },
        mail: true,
      },
      timeout: 30,
    },
  },
];
