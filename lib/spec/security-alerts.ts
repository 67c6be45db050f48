import { loginFailureLimits } from './rate-limits';

/**
 * What raises a SuspiciousActivityDetected event: the detections and their thresholds, read by the functions
 * (functions/shared/security-alerts.ts) and by CDK (the grant to publish it, the metric and its alarm).
 */
export const SUSPICIOUS_ACTIVITY = {
  detailType: 'SuspiciousActivityDetected',
  /** Its context: the event's source is `shop.security`. */
  context: 'security',
  /** Publishes the alerts the detecting functions left pending (they never load the bus client). */
  publisher: 'platform/handlers/events/publish-security-alerts',
  /** The consumer that keeps each event in the audit log and counts it in the metric. */
  recorder: 'platform/handlers/events/record-suspicious-activity',
  /** The CloudWatch metric the recorder emits once per event (EMF); the alarm watches it. */
  metricName: 'SuspiciousActivityDetected',
} as const;

export const SUSPICIOUS_ACTIVITY_KINDS = ['login_failures', 'rejected_tokens', 'refusals', 'admin_new_ip'] as const;
export type SuspiciousActivityKind = (typeof SUSPICIOUS_ACTIVITY_KINDS)[number];

export interface Detection {
  /** Events in one window that make an episode: the one that reaches it raises the alert. */
  threshold: number;
  windowSeconds: number;
}

/**
 * Per-IP counts are the audit log's own aggregates (one record per kind, IP and minute), so detecting costs no
 * write of its own. A legitimate browser with an expired session sends a handful of protected calls before it
 * signs in again, and a shopper never meets a refusal in normal use; an attack sends far more.
 */
export const detections: Record<Exclude<SuspiciousActivityKind, 'admin_new_ip'>, Detection> = {
  /** The account lockout itself: the failure that locks an account is the episode's start. */
  login_failures: {
    threshold: loginFailureLimits.perAccount.limit,
    windowSeconds: loginFailureLimits.perAccount.windowSeconds,
  },
  /** Requests with a missing or rejected session token on protected routes, per IP and minute. */
  rejected_tokens: { threshold: 30, windowSeconds: 60 },
  /** Refused requests (another user's resource, a customer on an admin route), per IP and minute. */
  refusals: { threshold: 10, windowSeconds: 60 },
};

/**
 * After an alert, the same kind for the same subject (account or IP) stays quiet this long: an attack that goes on
 * for an hour mails the admin once, not once per window.
 */
export const EPISODE_SECONDS = 60 * 60;
