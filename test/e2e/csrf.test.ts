import { describe, expect, it } from 'vitest';
import { address, addToCart } from './fixtures';
import { apiUrl, call, type ErrorBody, login, newIp, registerCustomer } from './http';

const EVIL = 'https://evil.example';

/** A signed-in browser's session cookie (the login's Set-Cookie), for requests that carry it alone. */
const sessionCookie = async (email: string, password: string) => {
  const { headers } = await login(email, password);
  return (headers.get('set-cookie') ?? '').split(';')[0] as string;
};

const ownOrigin = () => new URL(apiUrl()).origin;
const orderBody = JSON.stringify({ shippingAddress: address, paymentMethod: { type: 'card', token: 'tok_visa' } });

describe('cross-site request forgery', () => {
  it('refuses a cross-site order with only the cookie (foreign Origin, text/plain body), and places nothing', async () => {
    const shopper = await registerCustomer();
    await addToCart(shopper.user.id, shopper.token, 'prod-mouse-001');
    const cookie = await sessionCookie(shopper.email, shopper.password);

    const forged = await call<ErrorBody>('/api/v1/orders', {
      method: 'POST',
      headers: { Cookie: cookie, Origin: EVIL, 'Content-Type': 'text/plain', 'Sec-Fetch-Site': 'cross-site' },
      body: orderBody,
    });

    expect(forged.status).toBe(403);
    expect(forged.body.error.code).toBe('CSRF_REJECTED');
    const orders = await call<{ items: unknown[] }>(`/api/v1/orders?userId=${shopper.user.id}`, {
      token: shopper.token,
    });
    expect(orders.body.items).toEqual([]);
  });

  it('refuses a cross-site password change with only the cookie; the old password still works', async () => {
    const shopper = await registerCustomer();
    const cookie = await sessionCookie(shopper.email, shopper.password);

    const forged = await call<ErrorBody>('/api/v1/users/change-password', {
      method: 'POST',
      headers: { Cookie: cookie, Origin: EVIL, 'Content-Type': 'text/plain' },
      body: JSON.stringify({ old_password: shopper.password, new_password: 'attacker-chosen-1' }),
    });

    expect(forged.status).toBe(403);
    expect(forged.body.error.code).toBe('CSRF_REJECTED');
    expect((await login(shopper.email, shopper.password)).status).toBe(200);
    expect((await login(shopper.email, 'attacker-chosen-1')).status).toBe(401);
  });

  it('refuses the cookie with the anti-CSRF header when the Origin is foreign', async () => {
    const shopper = await registerCustomer();
    const cookie = await sessionCookie(shopper.email, shopper.password);
    const reply = await call<ErrorBody>('/api/v1/users/profile', {
      method: 'PUT',
      headers: { Cookie: cookie, Origin: EVIL, 'x-shop-csrf': '1' },
      json: { first_name: 'Mallory' },
    });
    expect(reply.status).toBe(403);
    expect(reply.body.error.code).toBe('CSRF_REJECTED');
    const profile = await call<{ first_name: string }>('/api/v1/users/profile', { token: shopper.token });
    expect(profile.body.first_name).toBe('Sam');
  });

  it("accepts the cookie with the anti-CSRF header from the shop's own origin", async () => {
    const shopper = await registerCustomer();
    const cookie = await sessionCookie(shopper.email, shopper.password);
    const reply = await call<{ first_name: string }>('/api/v1/users/profile', {
      method: 'PUT',
      headers: { Cookie: cookie, Origin: ownOrigin(), 'x-shop-csrf': '1' },
      json: { first_name: 'Robin' },
    });
    expect(reply.status).toBe(200);
    expect(reply.body.first_name).toBe('Robin');
  });

  it('accepts the header behind a proxy that names the viewer host in X-Forwarded-Host (CloudFront)', async () => {
    const shopper = await registerCustomer();
    const cookie = await sessionCookie(shopper.email, shopper.password);
    const reply = await call('/api/v1/users/profile', {
      method: 'PUT',
      headers: {
        Cookie: cookie,
        Origin: 'https://shop.example.com',
        'X-Forwarded-Host': 'shop.example.com',
        'x-shop-csrf': '1',
      },
      json: { first_name: 'Robin' },
    });
    expect(reply.status).toBe(200);
  });

  it('leaves bearer-token clients alone: no anti-CSRF header needed', async () => {
    const shopper = await registerCustomer();
    const reply = await call('/api/v1/users/profile', {
      method: 'PUT',
      token: shopper.token,
      headers: { Origin: EVIL },
      json: { first_name: 'Robin' },
    });
    expect(reply.status).toBe(200);
  });

  it('answers 415 to a body that is not declared as JSON, and changes nothing', async () => {
    const shopper = await registerCustomer();
    for (const contentType of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const reply = await call<ErrorBody>('/api/v1/users/profile', {
        method: 'PUT',
        token: shopper.token,
        headers: { 'Content-Type': contentType },
        body: JSON.stringify({ first_name: 'Changed' }),
      });
      expect(reply.status, contentType).toBe(415);
      expect(reply.body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    }
    const login415 = await call<ErrorBody>('/api/v1/auth/login', {
      method: 'POST',
      ip: newIp(),
      headers: { 'Content-Type': 'text/plain' },
      body: JSON.stringify({ email: shopper.email, password: shopper.password }),
    });
    expect(login415.status).toBe(415);
    const profile = await call<{ first_name: string }>('/api/v1/users/profile', { token: shopper.token });
    expect(profile.body.first_name).toBe('Sam');
  });
});

describe('session check', () => {
  it('answers a guest with user null, and a signed-in caller (cookie or bearer) with the user', async () => {
    const guest = await call<{ user: unknown }>('/api/v1/auth/session');
    expect(guest.status).toBe(200);
    expect(guest.body.user).toBeNull();
    expect(guest.headers.get('cache-control')).toBe('no-store');

    const shopper = await registerCustomer();
    const byToken = await call<{ user: { id: string; email: string } }>('/api/v1/auth/session', {
      token: shopper.token,
    });
    expect(byToken.body.user).toMatchObject({ id: shopper.user.id, email: shopper.email });
    const cookie = await sessionCookie(shopper.email, shopper.password);
    const byCookie = await call<{ user: { id: string } }>('/api/v1/auth/session', { headers: { Cookie: cookie } });
    expect(byCookie.body.user.id).toBe(shopper.user.id);

    const bad = await call<{ user: unknown }>('/api/v1/auth/session', { token: `${shopper.token}x` });
    expect(bad.status).toBe(200);
    expect(bad.body.user).toBeNull();
  });
});
