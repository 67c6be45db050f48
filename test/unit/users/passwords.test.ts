import { describe, expect, it } from 'vitest';
import { BCRYPT_COST, burnPasswordCheck, hashPassword, verifyPassword } from '../../../functions/users/passwords';
import { tokenFromHeaders } from '../../../functions/users/sessions';

describe('password hashing', () => {
  it('uses bcrypt at cost 12 and verifies only the right password', async () => {
    const hash = await hashPassword('customer123');
    expect(hash).toMatch(new RegExp(`^\\$2[aby]\\$${BCRYPT_COST}\\$`));
    expect(await verifyPassword('customer123', hash)).toBe(true);
    expect(await verifyPassword('customer124', hash)).toBe(false);
  });

  it('tells apart long passwords that differ after bcrypt’s 72-byte limit', async () => {
    const base = 'x'.repeat(100);
    const hash = await hashPassword(`${base}A`);
    expect(await verifyPassword(`${base}A`, hash)).toBe(true);
    expect(await verifyPassword(`${base}B`, hash)).toBe(false);
  });

  it('burns a comparison for unknown accounts and never succeeds', async () => {
    expect(await burnPasswordCheck('anything')).toBe(false);
  });
});

describe('tokenFromHeaders', () => {
  it('prefers the bearer header, then the session cookie, whatever the header case', () => {
    expect(tokenFromHeaders({ Authorization: 'Bearer abc', Cookie: 'session=def' })).toBe('abc');
    expect(tokenFromHeaders({ cookie: 'theme=dark; session=a.b.c; x=1' })).toBe('a.b.c');
    expect(tokenFromHeaders({ authorization: 'Basic abc' })).toBeUndefined();
    expect(tokenFromHeaders({ Cookie: 'session=' })).toBeUndefined();
    expect(tokenFromHeaders({})).toBeUndefined();
  });
});
