/**
 * The business metrics: the functions emit them (Powertools Metrics, embedded metric format on stdout, no API
 * call) and CDK reads them (dashboard, alarms) under the same names and dimensions. They go to the stage's
 * namespace (`Shop-<stage>`, set by CDK in POWERTOOLS_METRICS_NAMESPACE). Powertools adds the `service`
 * dimension (the emitting function's bounded context) to every one.
 */
export const ORDER_METRICS = {
  /** Count: an order was stored (POST /orders, a new order; a replayed Idempotency-Key is not counted again). */
  placed: 'OrdersPlaced',
  /** Count: the checkout saga confirmed an order. */
  confirmed: 'OrdersConfirmed',
  /** Count, by `reason` (the order's failureReason: OUT_OF_STOCK, PAYMENT_DECLINED, ...): an order ended FAILED. */
  failed: 'OrdersFailed',
  /** The confirmed order's total in cents (integer hundredths of its currency, as orders keep it), by `currency`. */
  revenue: 'RevenueCents',
  /** Milliseconds from the order's creation to its confirmation or failure, by `outcome`. */
  checkoutDuration: 'CheckoutDuration',
  /**
   * Count: an order became REQUIRES_ATTENTION (a step of its checkout kept failing, or the reconciler could not
   * settle it); an alarm fires on any.
   */
  requiresAttention: 'OrdersRequiringAttention',
} as const;

/** The dimension keys besides `service`. */
export const ORDER_METRIC_DIMENSIONS = {
  reason: 'reason',
  currency: 'currency',
  outcome: 'outcome',
} as const;

/** Values of the `outcome` dimension of CheckoutDuration. */
export const CHECKOUT_OUTCOMES = { confirmed: 'confirmed', failed: 'failed' } as const;

/** Powertools Metrics' own dimension, the function's POWERTOOLS_SERVICE_NAME (its bounded context). */
export const SERVICE_DIMENSION = 'service';

/**
 * The functions that emit the order metrics: CDK gives them the stage's namespace. Only these load Powertools
 * Metrics (the other order routes keep their cold start).
 */
export const ORDER_METRIC_EMITTERS = [
  'orders/handlers/http/create-order',
  'orders/handlers/saga/confirm-order',
  'orders/handlers/saga/fail-order',
  'orders/handlers/saga/require-attention',
  'orders/handlers/events/reconcile-stalled-orders',
] as const;
