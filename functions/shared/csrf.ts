/**
 * The header our own pages send with every request that changes state. A cross-site page cannot send a
 * custom header without a CORS preflight, which the API does not grant: a cookie-authenticated request
 * without it (or from a foreign Origin) is refused with 403 CSRF_REJECTED.
 */
export const CSRF_HEADER = 'x-shop-csrf';
export const CSRF_HEADER_VALUE = '1';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface CsrfRequest {
  method: string;
  /** Lower-case header names. */
  headers: Record<string, string>;
  /** True when the authorizer let the request in (it was authenticated). */
  authenticated: boolean;
  /** Origins allowed besides the request's own host (the CORS allow-list). */
  trustedOrigins: readonly string[];
}

const hostOf = (origin: string): string | undefined => {
  try {
    return new URL(origin).host.toLowerCase();
  } catch {
    return undefined;
  }
};

/**
 * Why a state-changing request authenticated by the session cookie alone must be refused, or undefined when
 * it may go on. A bearer token is never sent by a browser on its own, so such requests are unaffected.
 * The origin must be the host the request was addressed to: `X-Forwarded-Host` (CloudFront puts the
 * viewer's host there) or `Host`, or one of the trusted origins.
 */
export const csrfRejection = ({ method, headers, authenticated, trustedOrigins }: CsrfRequest): string | undefined => {
  if (SAFE_METHODS.has(method.toUpperCase()) || !authenticated) return undefined;
  if (/^bearer\s/i.test(headers.authorization ?? '')) return undefined;
  if (headers[CSRF_HEADER] !== CSRF_HEADER_VALUE) {
    return `A request signed in by the session cookie must send the ${CSRF_HEADER} header`;
  }
  if (headers['sec-fetch-site'] === 'cross-site') return 'Cross-site requests may not change state';
  const origin = headers.origin;
  if (origin === undefined) return undefined;
  if (trustedOrigins.includes(origin)) return undefined;
  const host = (headers['x-forwarded-host'] ?? headers.host ?? '').split(',')[0]?.trim().toLowerCase();
  if (host && hostOf(origin) === host) return undefined;
  return `Origin ${origin} may not change state here`;
};

/** JSON bodies only: a form post (text/plain, urlencoded, multipart) never reaches a handler. */
export const isJsonContentType = (contentType: string | undefined): boolean =>
  (contentType ?? '').split(';')[0]?.trim().toLowerCase() === 'application/json';
