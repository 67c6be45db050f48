import { randomInt, randomUUID } from 'node:crypto';
import { target } from './target';

export { awsClientConfig } from './target';

export const apiUrl = () => target.apiUrl;

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

/** Sends `json` (when given) as a JSON body; answers the reply, its body parsed where it says it is JSON. */
const request = async <T>(url: string, { json, headers, ...init }: RequestInit & { json?: unknown }) => {
  const response = await fetch(url, {
    ...init,
    headers: { ...(json !== undefined && { 'Content-Type': 'application/json' }), ...headers },
    ...(json !== undefined && { body: JSON.stringify(json) }),
  });
  const text = await response.text();
  let body: unknown = text;
  if ((response.headers.get('content-type') ?? '').includes('json') && text) body = JSON.parse(text);
  return { status: response.status, headers: response.headers, body: body as T } satisfies Reply<T>;
};

/** Calls the platform over HTTP; `path` is relative to the host (e.g. `/api/v1/products`). */
export const call = async <T = unknown>(path: string, options: CallOptions = {}): Promise<Reply<T>> => {
  const { ip, token, headers, ...init } = options;
  return request<T>(`${apiUrl()}${path}`, {
    ...init,
    headers: {
      'X-Forwarded-For': ip ?? newIp(),
      ...(token && { Authorization: `Bearer ${token}` }),
      ...headers,
    },
  });
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

/**
 * Calls the AWS endpoint's own pages (`/_aws/ses`, and the sandbox's `/_aws/stats`, `/_aws/faults`, `/mail`...),
 * which are beside the API on a sandbox and on LocalStack's gateway, not under its API URL.
 */
export const callEndpoint = async <T = unknown>(path: string, init: RequestInit & { json?: unknown } = {}) => {
  if (!target.awsEndpoint) throw new Error(`${path} needs an AWS endpoint (AWS_ENDPOINT_URL)`);
  return request<T>(`${target.awsEndpoint}${path}`, init);
};

/** A message SES sent, as `/_aws/ses` shows it (LocalStack's shape, the sandbox's too). */
export interface Mail {
  Id: string;
  Region: string;
  Timestamp: string;
  Source: string;
  Destination: { ToAddresses: string[] };
  Subject: string;
  Body: { text_part: string | null; html_part: string | null };
}

/** The mail sent to an address so far (capability `mail`). */
export const mailTo = async (email: string): Promise<Mail[]> =>
  (await callEndpoint<{ messages: Mail[] }>(`/_aws/ses?email=${encodeURIComponent(email)}`)).body.messages;

let sender: Promise<string> | undefined;
/**
 * The address the platform sends from (the stage's verified SES sender; the sandbox's own), as the welcome mail
 * of a new customer shows it (capability `mail`).
 */
export const mailSender = (): Promise<string> => {
  sender ??= (async () => {
    const { email } = await registerCustomer();
    const deadline = Date.now() + 15_000;
    for (;;) {
      const [welcome] = await mailTo(email);
      if (welcome) return welcome.Source;
      if (Date.now() > deadline) throw new Error(`no welcome mail to ${email}`);
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
  })();
  return sender;
};
