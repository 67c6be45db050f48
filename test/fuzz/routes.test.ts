import { randomInt, randomUUID } from 'node:crypto';
import fc, { type Arbitrary } from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSandbox } from '../support/spawn-sandbox';
import { deeplyNested, hostileString, hostileValue, type JsonSchema, validValue } from './schema-arbitrary';
import { changedKeys, idleSnapshot, type Snapshot, sandboxDynamo, sandboxIdle } from './table-snapshot';

/**
 * Every operation of the platform's own OpenAPI description, walked with generated hostile requests. The
 * property: never a 5xx, every refusal in the JSON error shape, and a refused write leaves every table as it
 * was. Replay a failure with the seed it prints: FUZZ_SEED=<seed> npm run test:fuzz.
 */
const SEED = Number(process.env.FUZZ_SEED ?? randomInt(2 ** 31));
const RUNS = Number(process.env.FUZZ_RUNS ?? 20);
/** Each operation stops generating after this long, however many cases it ran. */
const TIME_LIMIT_MS = Number(process.env.FUZZ_TIME_LIMIT_MS ?? 4000);

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: JsonSchema;
}

interface Operation {
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
}

interface Description {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, JsonSchema> };
}

const sandbox = await spawnSandbox('fuzz', { SANDBOX_TRUST_FORWARDED_FOR: '1' });
const dynamo = sandboxDynamo(sandbox.url);

afterAll(async () => {
  dynamo.destroy();
  await sandbox.stop();
});

const ADMIN_EMAIL = 'admin@ecommerce.local';
/** The client address of the admin's sign-ins. */
const ADMIN_IP = '10.0.0.1';

const newIp = () => `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;

const request = async (path: string, init: RequestInit & { token?: string } = {}) => {
  const { token, headers, ...rest } = init;
  const response = await fetch(`${sandbox.url}${path}`, {
    ...rest,
    headers: {
      'X-Forwarded-For': newIp(),
      ...(token && { Authorization: `Bearer ${token}` }),
      ...(typeof rest.body === 'string' && { 'Content-Type': 'application/json' }),
      ...headers,
    },
  });
  const text = await response.text();
  return { status: response.status, contentType: response.headers.get('content-type') ?? '', text };
};

const json = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

const description = json((await request('/api/v1/openapi.json')).text) as Description;
const resolve = (ref: string): JsonSchema => {
  const name = ref.replace('#/components/schemas/', '');
  const schema = description.components?.schemas?.[name];
  if (!schema) throw new Error(`The description names ${ref} but does not define it`);
  return schema;
};

// --- The cast: two customers with an order each, and the admin -----------------------------------------

interface Actor {
  id: string;
  token: string;
  email: string;
  password: string;
}

const register = async (): Promise<Actor> => {
  const email = `fuzz-${randomUUID()}@example.com`;
  const password = `pw-${randomUUID()}`;
  const reply = await request('/api/v1/auth/register', {
    method: 'POST',
    body: JSON.stringify({ email, password, first_name: 'Fuzz', last_name: 'Case' }),
  });
  const body = json(reply.text) as { user: { id: string }; token: string };
  return { id: body.user.id, token: body.token, email, password };
};

const signIn = async (actor: Pick<Actor, 'email' | 'password'>): Promise<Actor> => {
  const reply = await request('/api/v1/auth/login', {
    method: 'POST',
    // The admin always from one address (a sign-in from a new one is suspicious activity, and its alert would
    // write); customers from any, so their sign-ins do not exhaust one address's sign-in limit.
    headers: { 'X-Forwarded-For': actor.email === ADMIN_EMAIL ? ADMIN_IP : newIp() },
    body: JSON.stringify({ email: actor.email, password: actor.password }),
  });
  if (reply.status !== 200) throw new Error(`sign-in failed: ${reply.status} ${reply.text}`);
  const body = json(reply.text) as { user: { id: string }; token: string };
  return { ...actor, id: body.user.id, token: body.token };
};

const products = (json((await request('/api/v1/products?limit=5')).text) as { items: { id: string; sku: string }[] })
  .items;
const [firstProduct] = products;
if (!firstProduct) throw new Error('The sandbox has no sample products');

const placeOrder = async (actor: Actor) => {
  await request(`/api/v1/cart/${actor.id}/items`, {
    method: 'POST',
    token: actor.token,
    body: JSON.stringify({ productId: firstProduct.id, quantity: 1 }),
  });
  const reply = await request('/api/v1/orders', {
    method: 'POST',
    token: actor.token,
    headers: { 'Idempotency-Key': randomUUID() },
    body: JSON.stringify({
      shippingAddress: {
        name: 'Fuzz Case',
        line1: '1 Fuzz Street',
        city: 'Testville',
        postalCode: '12345',
        country: 'US',
      },
      paymentMethod: { type: 'card', token: 'tok_visa' },
    }),
  });
  const id = (json(reply.text) as { id?: string }).id;
  if (!id) throw new Error(`placing an order failed: ${reply.status} ${reply.text}`);
  return id;
};

const cast = {
  alice: await register(),
  bob: await register(),
  admin: await signIn({ email: ADMIN_EMAIL, password: 'admin123' }),
};
const orderIds = await Promise.all([placeOrder(cast.alice), placeOrder(cast.bob)]);
await sandboxIdle(sandbox.url);
const realCursor = (json((await request('/api/v1/products?limit=1')).text) as { nextCursor?: string }).nextCursor;

/** Ids that exist, some of them another user's: path parameters draw from these as well as junk. */
const knownIds = [
  cast.alice.id,
  cast.bob.id,
  cast.admin.id,
  ...orderIds,
  ...products.flatMap((product) => [product.id, product.sku]),
];

/** Tokens a request may carry: none, each actor's, and forged ones. */
const tokenArbitrary: Arbitrary<string | undefined> = fc.oneof(
  fc.constant(undefined),
  fc.constantFrom('alice', 'bob', 'admin').map((name) => cast[name as keyof typeof cast].token),
  fc.constantFrom(
    'not-a-token',
    'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ1c3JfYWRtaW4iLCJyb2xlIjoiYWRtaW4ifQ.',
    `${cast.alice.token.slice(0, -4)}AAAA`,
    'a'.repeat(9000),
  ),
);

// --- Generated requests ---------------------------------------------------------------------------------

const forgedCursor: Arbitrary<string> = fc.oneof(
  fc.constantFrom('!!!', '', 'e30', 'bnVsbA', 'x'.repeat(300), ...(realCursor ? [realCursor] : [])),
  fc.jsonValue({ maxDepth: 3 }).map((value) => Buffer.from(JSON.stringify({ k: value, f: 'x' })).toString('base64url')),
  fc
    .dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }))
    .map((value) => Buffer.from(JSON.stringify(value)).toString('base64url')),
);

const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Percent-encodes a path segment as a hostile client could: a lone surrogate, which encodeURIComponent
 * refuses, goes as its three bytes (ED A0 80 for U+D800), which are not UTF-8.
 */
const encodeSegment = (text: string): string => {
  let encoded = '';
  let from = 0;
  for (const match of text.matchAll(loneSurrogate)) {
    const unit = match[0].charCodeAt(0);
    const bytes = [0xe0 | (unit >> 12), 0x80 | ((unit >> 6) & 0x3f), 0x80 | (unit & 0x3f)];
    encoded += encodeURIComponent(text.slice(from, match.index));
    encoded += bytes.map((byte) => `%${byte.toString(16).toUpperCase()}`).join('');
    from = match.index + 1;
  }
  return encoded + encodeURIComponent(text.slice(from));
};

/** A path segment: a real id (perhaps another user's), junk, or a malformed percent-encoding sent raw. */
const pathSegment: Arbitrary<string> = fc.oneof(
  fc.constantFrom(...knownIds).map(encodeURIComponent),
  hostileString.filter((text) => text.length < 2048).map(encodeSegment),
  fc.constantFrom('%', '%zz', '%E0%A4%A', '%00', '%2F..%2F', 'a%'),
);

const queryValue = (parameter: Parameter): Arbitrary<string> => {
  const fromSchema = parameter.schema
    ? validValue(parameter.schema, resolve).map((value) => (typeof value === 'string' ? value : JSON.stringify(value)))
    : hostileString;
  const values = [fromSchema, hostileString.filter((text) => text.length < 4096)];
  if (/cursor/i.test(parameter.name)) values.push(forgedCursor);
  return fc.oneof(...values);
};

interface Body {
  text?: string;
  contentType?: string;
}

const bodyArbitrary = (operation: Operation): Arbitrary<Body> => {
  const schema = operation.requestBody?.content?.['application/json']?.schema;
  const asJson = (value: unknown): Body => ({ text: JSON.stringify(value), contentType: 'application/json' });
  const bodies: Arbitrary<Body>[] = [
    fc.constant({}),
    fc.constantFrom('{', '{"a":', 'nul', '\u0000', '{"a":1}}', "{'a':1}", '', '[]', '"text"', '1e999').map((text) => ({
      text,
      contentType: 'application/json',
    })),
    fc.constant({ text: deeplyNested(5000), contentType: 'application/json' }),
    fc.constant({ text: JSON.stringify({ blob: 'x'.repeat(100_000) }), contentType: 'application/json' }),
  ];
  if (schema) {
    bodies.push(
      validValue(schema, resolve).map(asJson),
      validValue(schema, resolve).map(asJson),
      hostileValue(schema, resolve).map(asJson),
      fc
        .tuple(
          validValue(schema, resolve),
          fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'text/xml'),
        )
        .map(([value, contentType]) => ({ text: JSON.stringify(value), contentType })),
    );
  } else {
    bodies.push(hostileValue({}, resolve).map(asJson));
  }
  return fc.oneof(...bodies);
};

interface Case {
  path: string;
  token: string | undefined;
  body: Body;
  idempotencyKey: string | undefined;
}

const caseArbitrary = (path: string, method: string, operation: Operation): Arbitrary<Case> => {
  const parameters = operation.parameters ?? [];
  const segments = [...path.matchAll(/\{(\w+)\}/g)].map((match) => match[1] ?? '');
  const query = parameters.filter((parameter) => parameter.in === 'query');
  const queryArbitrary = fc
    .tuple(
      fc.tuple(...query.map((parameter) => fc.option(queryValue(parameter), { nil: undefined }))),
      fc.option(
        fc.tuple(
          hostileString.filter((text) => text.length < 64),
          hostileString,
        ),
        { nil: undefined },
      ),
    )
    .map(([values, unknown]) => {
      const search = new URLSearchParams();
      query.forEach((parameter, index) => {
        const value = values[index];
        if (value !== undefined) search.set(parameter.name, value);
      });
      if (unknown) search.append(...unknown);
      const text = search.toString();
      return text ? `?${text}` : '';
    });
  return fc.record({
    path: fc
      .tuple(fc.tuple(...segments.map(() => pathSegment)), queryArbitrary)
      .map(
        ([values, search]) =>
          `${segments.reduce((p, name, i) => p.replace(`{${name}}`, values[i] ?? ''), path)}${search}`,
      ),
    token: tokenArbitrary,
    body: method === 'get' || method === 'delete' ? fc.constant({}) : bodyArbitrary(operation),
    idempotencyKey: fc.option(
      fc.oneof(
        fc.uuid(),
        hostileString.filter((text) => text.length < 512),
      ),
      {
        nil: undefined,
      },
    ),
  });
};

// --- The property ---------------------------------------------------------------------------------------

const WRITES = new Set(['post', 'put', 'patch', 'delete']);
/** Routes after whose success an actor's token no longer works (it signed out or changed its password). */
const ENDS_SESSION = /\/auth\/logout$|\/change-password$/;

const refreshSessions = async () => {
  for (const name of Object.keys(cast) as (keyof typeof cast)[]) {
    const session = await request('/api/v1/auth/session', { token: cast[name].token });
    if ((json(session.text) as { user?: unknown })?.user) continue;
    cast[name] = await signIn(cast[name]);
  }
};

const headerValue = (value: string) => value.replace(/[^\t\x20-\x7e]/g, '?');

const operations = Object.entries(description.paths).flatMap(([path, methods]) =>
  Object.entries(methods)
    .filter(([method]) => ['get', 'post', 'put', 'patch', 'delete'].includes(method))
    .map(([method, operation]) => ({ path, method, operation })),
);

let totalCases = 0;
/** The tables as the last refused write left them: unchanged since, as nothing else writes in between. */
let unchanged: Snapshot | undefined;

console.info(
  `fuzz: seed ${SEED}, up to ${RUNS} cases for each of ${operations.length} operations (${TIME_LIMIT_MS} ms each); replay with FUZZ_SEED=${SEED} npm run test:fuzz`,
);

describe(`every operation of the description (seed ${SEED})`, () => {
  it('covers the routes of the description', () => {
    expect(description.openapi).toMatch(/^3\.1\./);
    expect(operations.length).toBeGreaterThan(30);
  });

  it.each(operations)(
    '$method $path: no 5xx, the error shape, no partial write',
    async ({ path, method, operation }) => {
      let cases = 0;
      await fc.assert(
        fc.asyncProperty(caseArbitrary(path, method, operation), async (generated) => {
          cases += 1;
          const write = WRITES.has(method);
          const before = write ? (unchanged ?? (await idleSnapshot(sandbox.url, dynamo))) : undefined;
          const reply = await request(generated.path, {
            method: method.toUpperCase(),
            token: generated.token,
            headers: {
              ...(generated.body.contentType && { 'Content-Type': generated.body.contentType }),
              ...(generated.idempotencyKey !== undefined && {
                'Idempotency-Key': headerValue(generated.idempotencyKey),
              }),
            },
            ...(generated.body.text !== undefined && { body: generated.body.text }),
          });
          const context = `${method.toUpperCase()} ${generated.path.slice(0, 300)} -> ${reply.status} ${reply.text.slice(0, 300)}`;
          expect(reply.status, context).toBeLessThan(500);
          expect(reply.text, context).not.toMatch(/\n\s+at .+:\d+:\d+/);
          if (reply.status >= 400) {
            expect(reply.contentType, context).toContain('application/json');
            const error = (json(reply.text) as { error?: { code?: unknown; message?: unknown } })?.error;
            expect(typeof error?.code, context).toBe('string');
            expect(typeof error?.message, context).toBe('string');
          }
          if (!before) return;
          if (reply.status >= 400) {
            const after = await idleSnapshot(sandbox.url, dynamo);
            expect(changedKeys(before, after), `${context}\nchanged data although refused`).toEqual([]);
            unchanged = after;
            return;
          }
          unchanged = undefined;
          if (ENDS_SESSION.test(path)) {
            await refreshSessions();
          }
        }),
        { seed: SEED, numRuns: RUNS, interruptAfterTimeLimit: TIME_LIMIT_MS, markInterruptAsFailure: false },
      );
      totalCases += cases;
      expect(cases).toBeGreaterThan(0);
    },
  );

  it('ran every operation', () => {
    console.info(`fuzz: ${totalCases} requests over ${operations.length} operations, seed ${SEED}`);
    expect(totalCases).toBeGreaterThanOrEqual(operations.length);
  });
});
