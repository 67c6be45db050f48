import type { ApiRequest } from '../shared/api';
import { publish } from '../shared/events';
import { rateLimiter } from '../shared/rate-limit';
import type { CallContext, UsersDeps } from './service';
import { sessionDeps } from './session-deps';

/** The users context's dependencies, created once per function instance. */
export const deps: UsersDeps = {
  ...sessionDeps,
  limiter: rateLimiter(),
  publish,
};

export const callOf = (request: ApiRequest<unknown, unknown, unknown>): CallContext => ({
  ip: request.sourceIp,
  userAgent: request.userAgent,
  requestId: request.requestId,
  correlationId: request.correlationId,
});
