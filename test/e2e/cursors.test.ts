import { beforeAll, describe, expect, it } from 'vitest';
import { call, type ErrorBody, loginAdmin, registerCustomer, type SignedIn } from './http';

/** A cursor as the API makes it: base64url JSON of the start key and the query's fingerprint. */
interface Decoded {
  k: Record<string, unknown>;
  q: string;
}
const decode = (cursor: string): Decoded => JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
const encode = (decoded: unknown) => Buffer.from(JSON.stringify(decoded)).toString('base64url');

const long = 'x'.repeat(300);

/**
 * Well-formed forgeries of a real cursor: every key attribute of the wrong type, empty, too long, missing... A
 * 300-character string is of the key's type and size, so it is refused only where DynamoDB refuses it (another
 * partition): `lenient` ones must be 200 or 400 INVALID_CURSOR, never a 5xx.
 */
const forgeries = ({ k, q }: Decoded): [string, string][] => {
  const forged: [string, string][] = [];
  for (const [name, value] of Object.entries(k)) {
    const wrong = typeof value === 'number' ? String(value) : 42;
    forged.push([`${name} of the wrong type`, encode({ k: { ...k, [name]: wrong }, q })]);
    forged.push([`${name} an object`, encode({ k: { ...k, [name]: { S: 'x' } }, q })]);
    forged.push([`${name} null`, encode({ k: { ...k, [name]: null }, q })]);
    if (typeof value === 'string') {
      forged.push([`${name} empty`, encode({ k: { ...k, [name]: '' }, q })]);
      forged.push([`${name} over 1024 bytes`, encode({ k: { ...k, [name]: 'y'.repeat(1025) }, q })]);
    }
    const { [name]: _, ...missing } = k;
    forged.push([`${name} missing`, encode({ k: missing, q })]);
  }
  forged.push(['an extra attribute', encode({ k: { ...k, extra: 'x' }, q })]);
  forged.push(['a key that is a list', encode({ k: Object.values(k), q })]);
  forged.push(['another query', encode({ k, q: `${q}-other` })]);
  return forged;
};

/** Start keys of the right types and sizes, at positions no item has: a page from there, or INVALID_CURSOR. */
const lenient = ({ k, q }: Decoded) =>
  Object.entries(k).flatMap(([name, value]) =>
    typeof value === 'string'
      ? [encode({ k: { ...k, [name]: long }, q }), encode({ k: { ...k, [name]: `${value}~` }, q })]
      : [],
  );

const expectNoServerError = async (path: string, cursor: string, token?: string) => {
  const separator = path.includes('?') ? '&' : '?';
  const reply = await call<ErrorBody>(`${path}${separator}cursor=${encodeURIComponent(cursor)}`, {
    ...(token && { token }),
  });
  expect([200, 400], `${path}: ${JSON.stringify(reply.body)}`).toContain(reply.status);
  if (reply.status === 400) expect(reply.body.error.code).toBe('INVALID_CURSOR');
};

const expectInvalid = async (path: string, cursor: string, token?: string) => {
  const separator = path.includes('?') ? '&' : '?';
  const reply = await call<ErrorBody>(`${path}${separator}cursor=${encodeURIComponent(cursor)}`, {
    ...(token && { token }),
  });
  expect(reply.status, `${path}: ${JSON.stringify(reply.body)}`).toBe(400);
  expect(reply.body.error.code).toBe('INVALID_CURSOR');
};

/** A real cursor of a listing's first page. */
const firstCursor = async (path: string, token?: string) => {
  const reply = await call<{ nextCursor: string | null }>(path, { ...(token && { token }) });
  expect(reply.status).toBe(200);
  expect(reply.body.nextCursor).toBeTruthy();
  return reply.body.nextCursor as string;
};

let admin: string;
let shopper: SignedIn;
beforeAll(async () => {
  [admin, shopper] = await Promise.all([loginAdmin(), registerCustomer()]);
});

describe('forged cursors are 400 INVALID_CURSOR on every listing, never a 5xx', () => {
  const listings: [string, string, () => string | undefined][] = [
    ['products by name', '/api/v1/products?limit=1', () => undefined],
    ['products by price, descending', '/api/v1/products?limit=1&sort=-price', () => undefined],
    ['products of a category by price', '/api/v1/products?limit=1&category=electronics&sort=price', () => undefined],
    ['the audit log', '/api/v1/admin/audit?limit=1', () => admin],
    ['admin inventory', '/api/v1/admin/inventory?limit=1', () => admin],
  ];
  for (const [name, path, token] of listings) {
    it(`${name}: ${path}`, async () => {
      const real = decode(await firstCursor(path, token()));
      for (const [what, cursor] of forgeries(real)) {
        await expectInvalid(path, cursor, token()).catch((error: unknown) => {
          throw new Error(`${what}: ${(error as Error).message}`);
        });
      }
      for (const cursor of lenient(real)) await expectNoServerError(path, cursor, token());
    });
  }

  it('products: a start key in another partition or outside the price range', async () => {
    const path = '/api/v1/products?limit=1&sort=price&minPrice=10&maxPrice=2000';
    const real = decode(await firstCursor('/api/v1/products?limit=1&sort=price&minPrice=10&maxPrice=2000'));
    await expectInvalid(path, encode({ ...real, k: { ...real.k, listPk: 'ELSEWHERE' } }));
    await expectInvalid(path, encode({ ...real, k: { ...real.k, priceCents: 99_999_999 } }));
  });

  it('the audit log: a start key in another feed', async () => {
    const path = '/api/v1/admin/audit?limit=1';
    const real = decode(await firstCursor(path, admin));
    await expectInvalid(path, encode({ ...real, k: { ...real.k, gsi1pk: 'AUDIT#SOMEWHERE-ELSE' } }), admin);
  });

  it("a customer's orders and the admin's orders", async () => {
    const userKey = { pk: 'ORDER#o-1', sk: 'ORDER', gsi1pk: `USER#${shopper.user.id}`, gsi1sk: '2026-01-01T00:00:00Z' };
    for (const [, cursor] of forgeries({ k: userKey, q: `user:${shopper.user.id}` })) {
      await expectInvalid('/api/v1/orders?limit=1', cursor, shopper.token);
    }
    for (const cursor of lenient({ k: userKey, q: `user:${shopper.user.id}` })) {
      await expectNoServerError('/api/v1/orders?limit=1', cursor, shopper.token);
    }
    await expectInvalid(
      '/api/v1/orders?limit=1',
      encode({ k: { ...userKey, gsi1pk: 'USER#someone-else' }, q: `user:${shopper.user.id}` }),
      shopper.token,
    );
    for (const [, cursor] of forgeries({ k: { pk: 'ORDER#o-1', sk: 'ORDER' }, q: 'all' })) {
      await expectInvalid('/api/v1/admin/orders?limit=1', cursor, admin);
    }
    const statusKey = { pk: 'ORDER#o-1', sk: 'ORDER', gsi2pk: 'STATUS#PENDING', gsi2sk: '2026-01-01T00:00:00Z' };
    for (const [, cursor] of forgeries({ k: statusKey, q: 'status:PENDING' })) {
      await expectInvalid('/api/v1/admin/orders?status=PENDING&limit=1', cursor, admin);
    }
    await expectInvalid(
      '/api/v1/admin/orders?status=PENDING&limit=1',
      encode({ k: { ...statusKey, gsi2pk: 'STATUS#SHIPPED' }, q: 'status:PENDING' }),
      admin,
    );
  });

  it('search: forged offsets, beyond the result window too', async () => {
    const path = '/api/v1/search?limit=1';
    const real = decode(await firstCursor(path));
    expect(Object.keys(real.k)).toEqual(['offset']);
    for (const [, cursor] of forgeries(real)) await expectInvalid(path, cursor);
    for (const offset of [-1, 1.5, 10_000, 1e21, 9_999_999]) {
      await expectInvalid(path, encode({ ...real, k: { offset } }));
    }
  });
});
