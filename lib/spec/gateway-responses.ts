/**
 * The errors API Gateway answers itself, before any handler runs (no route, authorizer said no,
 * throttled, ...), in the platform's error shape. Plain data: CDK turns each entry into a gateway
 * response, and the local sandbox can answer the same cases with the same bodies.
 */
export interface GatewayError {
  /** API Gateway's response type (AWS::ApiGateway::GatewayResponse ResponseType). */
  type: string;
  /** Status to answer; absent keeps the status API Gateway chose (for the DEFAULT_4XX/5XX catch-alls). */
  status?: number;
  code: string;
  /** Absent: API Gateway's own message for the case ($context.error.messageString). */
  message?: string;
  headers?: Record<string, string>;
}

export const gatewayErrors: GatewayError[] = [
  { type: 'UNAUTHORIZED', status: 401, code: 'UNAUTHORIZED', message: 'Authentication required' },
  // Same code as a handler's ForbiddenError, so a client sees one code for "not allowed".
  { type: 'ACCESS_DENIED', status: 403, code: 'FORBIDDEN', message: 'Not allowed' },
  // Without IAM auth or API keys, a REST API answers an unknown path or method with this type (403 by default).
  { type: 'MISSING_AUTHENTICATION_TOKEN', status: 404, code: 'NOT_FOUND', message: 'No such route' },
  { type: 'RESOURCE_NOT_FOUND', status: 404, code: 'NOT_FOUND', message: 'No such route' },
  {
    type: 'THROTTLED',
    status: 429,
    code: 'THROTTLED',
    message: 'Too many requests, retry later',
    headers: { 'Retry-After': '1' },
  },
  { type: 'REQUEST_TOO_LARGE', status: 413, code: 'PAYLOAD_TOO_LARGE', message: 'Request too large' },
  { type: 'INTEGRATION_TIMEOUT', status: 504, code: 'TIMEOUT', message: 'The request took too long' },
  { type: 'DEFAULT_4XX', code: 'BAD_REQUEST' },
  { type: 'DEFAULT_5XX', code: 'INTERNAL_ERROR', message: 'An unexpected error occurred' },
];

/**
 * Headers on every gateway-generated error. Content-Security-Policy is left out: its value needs
 * single quotes ('none'), which a static gateway-response header value (itself single-quoted) cannot hold;
 * the bodies are JSON served with nosniff, never rendered.
 */
export const gatewaySecurityHeaders: Record<string, string> = {
  'Strict-Transport-Security': 'max-age=63072000; includeSubDomains; preload',
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cache-Control': 'no-store',
};
