/** The events that send an email; the rule in lib/event-rules.ts subscribes to exactly these. */
export const notifiedEvents = [
  'UserRegistered',
  'OrderConfirmed',
  'OrderFailed',
  'OrderCancelled',
  'PaymentRefunded',
  'OrderShipped',
  'OrderDelivered',
  'InventoryLow',
  'SuspiciousActivityDetected',
] as const;
export type NotifiedEvent = (typeof notifiedEvents)[number];

export const isNotifiedEvent = (value: string): value is NotifiedEvent =>
  (notifiedEvents as readonly string[]).includes(value);
