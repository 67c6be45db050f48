/** The kinds of audit record: a pure module, so the admin dashboard can list them without the store's SDK. */
export const AUDIT_TYPES = [
  'auth.register',
  'auth.login',
  'auth.login_failed',
  'auth.logout',
  'auth.password_changed',
  'auth.token_rejected',
  'user.profile_updated',
  'admin.operation',
] as const;
export type AuditType = (typeof AUDIT_TYPES)[number];
