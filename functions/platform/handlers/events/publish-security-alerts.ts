import type { ScheduledEvent } from 'aws-lambda';
import { publish } from '../../../shared/events';
import { logger } from '../../../shared/logger';
import { pendingAlerts } from '../../../shared/security-alerts';
import { publishPendingAlerts } from '../../suspicious-activity';

const deps = { alerts: pendingAlerts(), publish };

/**
 * Runs on a schedule: publishes the SuspiciousActivityDetected events the detections left pending. A failure
 * throws (the alert is back on the pending feed), so the scheduled invocation is retried.
 */
export const handler = async (_event: ScheduledEvent): Promise<void> => {
  const published = await publishPendingAlerts(deps);
  if (published > 0) logger.info('security alerts published', { published });
};
