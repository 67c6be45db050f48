import type { RateLimitClass } from './routes';

export interface RateLimit {
  /** Requests allowed per client IP within one window. */
  limit: number;
  windowSeconds: number;
}

/** Per-client-IP limits of the route table's rate-limit classes (production numbers). */
export const rateLimits: Record<RateLimitClass, RateLimit> = {
  cart: { limit: 100, windowSeconds: 15 * 60 },
  orders: { limit: 50, windowSeconds: 15 * 60 },
  payments: { limit: 10, windowSeconds: 60 * 60 },
  auth: { limit: 20, windowSeconds: 15 * 60 },
};

/** Failed logins tolerated before further attempts are refused for the rest of the window. */
export const loginFailureLimits = {
  perAccount: { limit: 5, windowSeconds: 15 * 60 },
  perIp: { limit: 20, windowSeconds: 15 * 60 },
} satisfies Record<string, RateLimit>;
