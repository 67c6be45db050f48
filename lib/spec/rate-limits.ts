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

/**
 * The edge's limit per client IP (AWS WAF's rate-based rule, on the API stage and the storefront): every request
 * of any route, in front of the per-route limits above and well above them (the largest, cart, is 100 per 15
 * minutes), so that a shopper meets a route's own 429 first and only a flood meets this one. WAF counts over a
 * window of 60, 120, 300 or 600 seconds.
 */
export const edgeRateLimit = { limit: 2000, windowSeconds: 300 } satisfies RateLimit;

/**
 * The header the storefront's distribution sets, on every /api/* request, to the viewer's IP as CloudFront saw
 * it (overwriting any a viewer sent): behind CloudFront the API's TCP peer is an edge server, shared by many
 * shoppers, so the stage's firewall counts this header's address for requests that carry it.
 */
export const VIEWER_IP_HEADER = 'x-shop-viewer-ip';
