import { auditLog } from '../shared/audit';
import { securityAlerts } from '../shared/security-alerts';
import { usersStore } from './store';

/**
 * What checking a session needs (the authorizer): the users table, and the audit log and alerts for refusals. A
 * module of its own, so that the authorizer's bundle, in front of every request, leaves out the bus client, the
 * event catalog and the rate limiter that deps.ts also wires.
 */
export const sessionDeps = {
  users: usersStore(),
  audit: auditLog(),
  alerts: securityAlerts(),
};
