/** The kinds of audit record: a pure module, so the admin dashboard can list them without the store's SDK. */
export const AUDIT_TYPES = [
  'auth.register',
  'auth.login',
  'auth.login_failed',
  'auth.logout',
  'auth.password_changed',
  'auth.token_missing',
  'auth.token_rejected',
  'access.refused',
  'user.profile_updated',
  'admin.operation',
  'api.server_error',
  'security.suspicious_activity',
] as const;
export type AuditType = (typeof AUDIT_TYPES)[number];

/**
 * The types an attacker can repeat at no cost: kept as one record per type, client IP and minute with a count,
 * never one record per request.
 */
export const TALLIED_AUDIT_TYPES = ['auth.token_missing', 'auth.token_rejected', 'access.refused'] as const;
export type TalliedAuditType = (typeof TALLIED_AUDIT_TYPES)[number];
