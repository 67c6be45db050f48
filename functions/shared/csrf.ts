/**
 * The header our own pages send with every request that changes state. A cross-site page cannot send a
 * custom header without a CORS preflight, which the API does not grant: a cookie-authenticated request
 * without it (or from a foreign Origin) is refused with 403 CSRF_REJECTED.
 */
export const CSRF_HEADER = 'x-shop-csrf';
export const CSRF_HEADER_VALUE = '1';
