import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { allowConsoleErrors, expect, newShopper, test } from './fixtures';

/**
 * A hostile page on another origin of the same site (another port of 127.0.0.1: SameSite=Lax still sends
 * the session cookie) forges state changes with the shopper's cookie alone. Each must be refused and
 * change nothing.
 */
const hostilePage = (shop: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Win a prize</title></head>
<body>
<h1>Win a prize</h1>
<form id="order" method="POST" action="${shop}/api/v1/orders" enctype="text/plain">
  <input type="hidden" name='{"shippingAddress":{"name":"X","line1":"1 Evil St","city":"Nowhere","postalCode":"12345","country":"US"},"paymentMethod":{"type":"card","token":"tok_visa"},"pad":"' value='"}'>
  <button type="submit">Claim</button>
</form>
<script>
  const send = (path, body) => fetch('${shop}' + path, {
    method: 'POST', mode: 'no-cors', credentials: 'include', headers: { 'Content-Type': 'text/plain' }, body,
  }).catch(() => undefined);
  Promise.all([
    send('/api/v1/orders', JSON.stringify({ shippingAddress: { name: 'X', line1: '1 Evil St', city: 'Nowhere', postalCode: '12345', country: 'US' }, paymentMethod: { type: 'card', token: 'tok_visa' } })),
    send('/api/v1/users/change-password', JSON.stringify({ old_password: new URLSearchParams(location.search).get('pw'), new_password: 'attacker-chosen-1' })),
  ]).then(() => { document.title = 'sent'; });
</script>
</body></html>`;

test('a cross-site page cannot order or change the password with the session cookie alone', async ({
  page,
  context,
  baseURL,
  consoleErrors,
}) => {
  const shop = new URL(baseURL ?? '').origin;
  const hostile = http.createServer((_, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(hostilePage(shop));
  });
  await new Promise<void>((resolve) => hostile.listen(0, '127.0.0.1', resolve));
  const hostileOrigin = `http://127.0.0.1:${(hostile.address() as AddressInfo).port}`;

  try {
    // A signed-in shopper with something in the cart (the session is the context's cookie).
    const shopper = newShopper();
    const registered = await page.request.post('/api/v1/auth/register', {
      data: { email: shopper.email, password: shopper.password, first_name: 'Robin', last_name: 'Buyer' },
    });
    expect(registered.status()).toBe(201);
    const { user } = (await registered.json()) as { user: { id: string } };
    const added = await page.request.post(`/api/v1/cart/${user.id}/items`, {
      data: { productId: 'prod-mouse-001', quantity: 1 },
      headers: { 'x-shop-csrf': '1' },
    });
    expect(added.status()).toBe(200);

    const forged: { url: string; status: number; cookie: boolean; origin: string | undefined }[] = [];
    context.on('requestfinished', async (request) => {
      if (!request.url().startsWith(`${shop}/api/`)) return;
      const headers = await request.allHeaders();
      const response = await request.response();
      forged.push({
        url: new URL(request.url()).pathname,
        status: response?.status() ?? 0,
        cookie: (headers.cookie ?? '').includes('session='),
        origin: headers.origin,
      });
    });

    // The attacker is assumed to know the password: only the missing proof of origin stops the change.
    await page.goto(`${hostileOrigin}/?pw=${encodeURIComponent(shopper.password)}`);
    await expect(page).toHaveTitle('sent');
    await page.getByRole('button', { name: 'Claim' }).click();
    await page.waitForURL(`${shop}/api/v1/orders`);
    // The browser logs the refused requests (403) as errors of the hostile page: expected here.
    allowConsoleErrors(consoleErrors, /403|Forbidden/);

    // The browser did send the cookie from the foreign origin: the API refused each request.
    expect(forged.length).toBeGreaterThanOrEqual(3);
    for (const request of forged) {
      expect(request, JSON.stringify(request)).toMatchObject({ cookie: true, origin: hostileOrigin, status: 403 });
    }
    expect(await page.locator('body').innerText()).toContain('CSRF_REJECTED');

    // Nothing changed: no order, and the password is still the shopper's.
    const orders = await page.request.get(`/api/v1/orders?userId=${user.id}`);
    expect(((await orders.json()) as { items: unknown[] }).items).toEqual([]);
    const login = await page.request.post('/api/v1/auth/login', {
      data: { email: shopper.email, password: shopper.password },
    });
    expect(login.status()).toBe(200);
  } finally {
    await new Promise((resolve) => hostile.close(resolve));
  }
});
