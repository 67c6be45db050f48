import type { AuditLog } from '../shared/audit';
import type { EventEnvelope } from '../shared/event-catalog';

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
