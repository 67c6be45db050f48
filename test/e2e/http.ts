import { randomInt, randomUUID } from 'node:crypto';
import { inject } from 'vitest';

export const apiUrl = () => inject('apiUrl');

export interface Reply<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

/** A client IP of its own, so per-IP rate limits count this client alone. */
export const newIp = () => `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;

export interface CallOptions extends RequestInit {
  /** The client IP to present (X-Forwarded-For); a fresh one per call by default. */
  ip?: string;
  /** Sent as `Authorization: Bearer <token>`. */
  token?: string;
  /** Sent as JSON with its content type. */
  json?: unknown;
}

/** Calls the platform over HTTP; `path` is relative to the host (e.g. `/api/v1/products`). */
export const call = async <T = unknown>(path: string, options: CallOptions = {}): Promise<Reply<T>> => {
  const { ip, token, json, headers, ...init } = options;
  const response = await fetch(`${apiUrl()}${path}`, {
    ...init,
    headers: {
      'X-Forwarded-For': ip ?? newIp(),
      ...(token && { Authorization: `Bearer ${token}` }),
      ...(json !== undefined && { 'Content-Type': 'application/json' }),
      ...headers,
    },
    ...(json !== undefined && { body: JSON.stringify(json) }),
  });
  const text = await response.text();
  let body: unknown = text;
  if ((response.headers.get('content-type') ?? '').includes('json') && text) body = JSON.parse(text);
  return { status: response.status, headers: response.headers, body: body as T };
};

export interface ErrorBody {
  error: { code: string; message: string; details: unknown[] };
}

export interface SignedIn {
  user: { id: string; email: string; first_name: string; last_name: string; role: string };
  token: string;
  email: string;
  password: string;
}

/** Registers a fresh customer with a unique email. */
export const registerCustomer = async (overrides: { first_name?: string } = {}): Promise<SignedIn> => {
  const email = `shopper-${randomUUID()}@example.com`;
  const password = `pw-${randomUUID()}`;
  const { status, body } = await call<{ user: SignedIn['user']; token: string }>('/api/v1/auth/register', {
    method: 'POST',
    json: { email, password, first_name: overrides.first_name ?? 'Sam', last_name: 'Shopper' },
  });
  if (status !== 201) throw new Error(`register failed: ${status} ${JSON.stringify(body)}`);
  return { ...body, email, password };
};

export const login = async (email: string, password: string) =>
  call<{ user: SignedIn['user']; token: string }>('/api/v1/auth/login', { method: 'POST', json: { email, password } });

export const loginAdmin = async (): Promise<string> => {
  const { status, body } = await login('admin@ecommerce.local', 'admin123');
  if (status !== 200) throw new Error(`admin login failed: ${status}`);
  return body.token;
};

/** The sandbox's AWS endpoint with throw-away credentials, for SDK clients in tests. */
export const awsClientConfig = () => {
  const endpoint = inject('awsEndpoint');
  if (!endpoint) throw new Error('These tests need the sandbox (or AWS_ENDPOINT_URL for LocalStack)');
  return { endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
};
