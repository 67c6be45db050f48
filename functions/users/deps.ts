import type { ApiRequest } from '../shared/api';
import { auditLog } from '../shared/audit';
import { publish } from '../shared/events';
import { rateLimiter } from '../shared/rate-limit';
import { securityAlerts } from '../shared/security-alerts';
import type { CallContext, UsersDeps } from './service';
import { usersStore } from './store';

/** The users context's dependencies, created once per function instance. */
export const deps: UsersDeps = {
  users: usersStore(),
  audit: auditLog(),
  limiter: rateLimiter(),
  alerts: securityAlerts(),
  publish,
};

export const callOf = (request: ApiRequest<unknown, unknown, unknown>): CallContext => ({
  ip: request.sourceIp,
  userAgent: request.userAgent,
  requestId: request.requestId,
  correlationId: request.correlationId,
});
