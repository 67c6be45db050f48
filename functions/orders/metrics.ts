import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import {
  CHECKOUT_OUTCOMES,
  ORDER_METRIC_DIMENSIONS as DIMENSION,
  ORDER_METRICS as METRIC,
} from '../../lib/spec/metrics';
import { config } from '../shared/config';
import { logger } from '../shared/logger';
import type { HistoryEntry, OrderRecord, OrdersStore } from './store';

/** What the store needs of Powertools Metrics (a test passes its own instance). */
export type MetricsSink = Pick<Metrics, 'addDimension' | 'addMetric' | 'addMetadata' | 'publishStoredMetrics'>;

type Unit = (typeof MetricUnit)[keyof typeof MetricUnit];

/** One EMF line per data point: each metric has its own dimensions (service, plus at most one). */
const emit = (
  metrics: MetricsSink,
  order: OrderRecord,
  name: string,
  unit: Unit,
  value: number,
  dimension?: [string, string],
) => {
  // A metric must never fail the write it reports: the order is stored, the saga step done.
  try {
    if (dimension) metrics.addDimension(...dimension);
    metrics.addMetric(name, unit, value);
    metrics.addMetadata('orderId', order.id);
    metrics.publishStoredMetrics();
  } catch (error) {
    logger.warn('metric not emitted', { error, metric: name, orderId: order.id });
  }
};

const settled = (metrics: MetricsSink, order: OrderRecord, entry: HistoryEntry) => {
  const duration = Math.max(0, Date.parse(entry.at) - Date.parse(order.createdAt));
  if (entry.status === 'CONFIRMED') {
    emit(metrics, order, METRIC.confirmed, MetricUnit.Count, 1);
    emit(metrics, order, METRIC.revenue, MetricUnit.NoUnit, order.totalCents, [DIMENSION.currency, order.currency]);
    emit(metrics, order, METRIC.checkoutDuration, MetricUnit.Milliseconds, duration, [
      DIMENSION.outcome,
      CHECKOUT_OUTCOMES.confirmed,
    ]);
  } else if (entry.status === 'REQUIRES_ATTENTION') {
    emit(metrics, order, METRIC.requiresAttention, MetricUnit.Count, 1);
  } else if (entry.status === 'FAILED') {
    const reason = entry.reason ?? order.failureReason ?? 'CHECKOUT_FAILED';
    emit(metrics, order, METRIC.failed, MetricUnit.Count, 1, [DIMENSION.reason, reason]);
    emit(metrics, order, METRIC.checkoutDuration, MetricUnit.Milliseconds, duration, [
      DIMENSION.outcome,
      CHECKOUT_OUTCOMES.failed,
    ]);
  }
};

/** The stage's namespace (POWERTOOLS_METRICS_NAMESPACE) and the function's context as the `service` dimension. */
const stageMetrics = new Metrics({ namespace: config.metricsNamespace, serviceName: config.serviceName });

/**
 * The orders store, counting the business facts its writes make true (lib/spec/metrics.ts): a stored order is
 * placed; a transition to CONFIRMED (with its revenue) or FAILED (with its reason) settles the checkout, timed
 * from the order's creation. Each is counted once, after its conditional write succeeded: a retried saga step
 * whose earlier attempt wrote already finds the write refused and counts nothing. Only the functions listed in
 * ORDER_METRIC_EMITTERS wrap their store with it, so no other route loads Powertools Metrics.
 */
export const countingOrdersStore = (store: OrdersStore, metrics: MetricsSink = stageMetrics): OrdersStore => ({
  ...store,
  async create(order, events) {
    const created = await store.create(order, events);
    if (created) emit(metrics, order, METRIC.placed, MetricUnit.Count, 1);
    return created;
  },
  async transition(id, from, entry, extra, events, read) {
    const updated = await store.transition(id, from, entry, extra, events, read);
    settled(metrics, updated, entry);
    return updated;
  },
});
