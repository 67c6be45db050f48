import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { SUSPICIOUS_ACTIVITY } from '../../../../lib/spec/security-alerts';
import { auditLog } from '../../../shared/audit';
import { config } from '../../../shared/config';
import { parseEvent } from '../../../shared/event-catalog';
import { logger } from '../../../shared/logger';
import { recordSuspiciousActivity } from '../../suspicious-activity';

const audit = auditLog();
const metrics = new Metrics({ namespace: config.metricsNamespace, serviceName: config.serviceName });

/**
 * A SuspiciousActivityDetected event into the audit log and the CloudWatch metric (EMF, one data point per
 * event: the alarm on it notifies the alarm topic). A malformed event throws, to end in the dead-letter queue.
 */
export const handler = async (event: unknown): Promise<void> => {
  const parsed = parseEvent('SuspiciousActivityDetected', event);
  const recorded = await recordSuspiciousActivity(
    {
      audit,
      count: (kind) => {
        metrics.addMetric(SUSPICIOUS_ACTIVITY.metricName, MetricUnit.Count, 1);
        metrics.addMetadata('kind', kind);
        metrics.addMetadata('eventId', parsed.id);
        metrics.publishStoredMetrics();
      },
    },
    parsed,
  );
  if (!recorded) logger.info('duplicate event ignored', { eventId: parsed.id });
};
