import { inject } from 'vitest';

export const apiUrl = () => inject('apiUrl');

export interface Reply<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

/** Calls the platform over HTTP; `path` is relative to the host (e.g. `/api/v1/products`). */
export const call = async <T = unknown>(path: string, init: RequestInit = {}): Promise<Reply<T>> => {
  const response = await fetch(`${apiUrl()}${path}`, init);
  const text = await response.text();
  let body: unknown = text;
  if ((response.headers.get('content-type') ?? '').includes('json') && text) body = JSON.parse(text);
  return { status: response.status, headers: response.headers, body: body as T };
};

export interface ErrorBody {
  error: { code: string; message: string; details: unknown[] };
}

/** The sandbox's AWS endpoint with throw-away credentials, for SDK clients in tests. */
export const awsClientConfig = () => {
  const endpoint = inject('awsEndpoint');
  if (!endpoint) throw new Error('These tests need the sandbox (or AWS_ENDPOINT_URL for LocalStack)');
  return { endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
};
