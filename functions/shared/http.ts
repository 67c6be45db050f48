import type { APIGatewayProxyResult } from 'aws-lambda';

/** Sent on every API response, errors included. */
export const securityHeaders: Record<string, string> = {
  'Strict-Transport-Security': 'max-age=63072000; includeSubDomains; preload',
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
  'Cross-Origin-Resource-Policy': 'same-origin',
};

export interface HttpResponse {
  statusCode: number;
  body?: unknown;
  headers?: Record<string, string>;
  multiValueHeaders?: Record<string, string[]>;
}

export const ok = (body: unknown, headers?: Record<string, string>): HttpResponse => ({
  statusCode: 200,
  body,
  ...(headers && { headers }),
});
export const created = (body: unknown): HttpResponse => ({ statusCode: 201, body });
export const accepted = (body: unknown): HttpResponse => ({ statusCode: 202, body });
export const noContent = (): HttpResponse => ({ statusCode: 204 });

export const errorBody = (code: string, message: string, details: unknown[] = []) => ({
  error: { code, message, details },
});

export const toProxyResult = (response: HttpResponse): APIGatewayProxyResult => ({
  statusCode: response.statusCode,
  headers: {
    ...(response.body === undefined ? {} : { 'Content-Type': 'application/json; charset=utf-8' }),
    ...securityHeaders,
    ...response.headers,
  },
  ...(response.multiValueHeaders && { multiValueHeaders: response.multiValueHeaders }),
  body: response.body === undefined ? '' : JSON.stringify(response.body),
});
