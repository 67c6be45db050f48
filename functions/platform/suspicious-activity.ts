import type { AuditLog } from '../shared/audit';
import type { DomainEvent, EventEnvelope } from '../shared/event-catalog';
import type { PendingAlerts } from '../shared/security-alerts';

export interface PublishAlertsDeps {
  alerts: PendingAlerts;
  publish: (...events: DomainEvent[]) => Promise<void>;
}

/**
 * Publishes the alerts the detections left pending, each once: an alert is claimed (taken off the pending feed
 * by a conditional write, so overlapping runs never both publish it) before its event goes on the bus, and put
 * back if the bus refuses it, for the next run. Answers how many it published.
 */
export const publishPendingAlerts = async (deps: PublishAlertsDeps): Promise<number> => {
  let published = 0;
  for (const alert of await deps.alerts.list()) {
    if (!(await deps.alerts.claim(alert.key))) continue;
    try {
      await deps.publish(alert.event);
    } catch (error) {
      await deps.alerts.release(alert.key);
      throw error;
    }
    published++;
  }
  return published;
};

export interface SuspiciousActivityDeps {
  audit: Pick<AuditLog, 'recordOnce'>;
  /** Counts one detection in the CloudWatch metric the alarm watches. */
  count(kind: string): void;
}

/**
 * Keeps a SuspiciousActivityDetected event in the audit log (type `security.suspicious_activity`, under the
 * event's id, so a redelivery is kept once) and counts it in the metric, once per event.
 */
export const recordSuspiciousActivity = async (
  deps: SuspiciousActivityDeps,
  event: EventEnvelope<'SuspiciousActivityDetected'>,
): Promise<boolean> => {
  const { kind, ip, userAgent, userId, email, count, windowSeconds, detectedAt, correlationId } = event.detail;
  const recorded = await deps.audit.recordOnce(
    event.id,
    {
      type: 'security.suspicious_activity',
      ...(userId && { actor: userId }),
      ip,
      userAgent: userAgent ?? '',
      outcome: 'failure',
      detail: { kind, count, windowSeconds, ...(email && { email }) },
      correlationId,
    },
    new Date(detectedAt),
  );
  if (recorded) deps.count(kind);
  return recorded;
};
