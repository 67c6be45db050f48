/**
 * The security headers of the web app's pages and files: CloudFront's response-headers policy in AWS
 * (lib/constructs/storefront.ts) and the sandbox's static server (local/server.ts) both send exactly these.
 */
export const contentSecurityPolicy = [
  "default-src 'self'",
  // No inline script anywhere: Vite emits external modules only.
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export const HSTS_SECONDS = 63_072_000;

export const permissionsPolicy = 'camera=(), microphone=(), geolocation=(), payment=(), usb=()';

export const webSecurityHeaders: Record<string, string> = {
  'Content-Security-Policy': contentSecurityPolicy,
  'Strict-Transport-Security': `max-age=${HSTS_SECONDS}; includeSubDomains; preload`,
  'X-Frame-Options': 'DENY',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'strict-origin-when-cross-origin',
  'Permissions-Policy': permissionsPolicy,
};

/** Hashed build files never change under their name; index.html must always be fetched anew. */
export const IMMUTABLE_CACHE = 'public, max-age=31536000, immutable';
export const NO_CACHE = 'no-cache';
