import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { allowConsoleErrors, expect, newShopper, test } from './fixtures';

const ADDRESS = { name: 'X', line1: '1 Evil St', city: 'Nowhere', postalCode: '12345', country: 'US' };

/** A text/plain form whose body reads as the JSON `fields` (the classic way to forge a JSON post). */
const jsonForm = (id: string, action: string, fields: Record<string, unknown>, label: string) => {
  const json = JSON.stringify({ ...fields, pad: '' });
  const name = json.slice(0, -2);
  return `<form id="${id}" method="POST" action="${action}" enctype="text/plain">
  <input type="hidden" name='${name}' value='"}'>
  <button type="submit">${label}</button>
</form>`;
};

/**
 * A hostile page on another origin of the same site (another port of 127.0.0.1, so SameSite=Lax still
 * sends the session cookie) that forges an order and a password change with the shopper's cookie alone,
 * by form posts and by no-cors fetches. The attacker is assumed to know the password.
 */
const hostilePage = (shop: string, password: string) => {
  const order = { shippingAddress: ADDRESS, paymentMethod: { type: 'card', token: 'tok_visa' } };
  const change = { old_password: password, new_password: 'attacker-chosen-1' };
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Win a prize</title></head>
<body>
<h1>Win a prize</h1>
${jsonForm('order', `${shop}/api/v1/orders`, order, 'Claim')}
${jsonForm('password', `${shop}/api/v1/users/change-password`, change, 'Update')}
<script>
  const send = (path, body) => fetch('${shop}' + path, {
    method: 'POST', mode: 'no-cors', credentials: 'include', headers: { 'Content-Type': 'text/plain' },
    body: JSON.stringify(body),
  }).catch(() => undefined);
  Promise.all([send('/api/v1/orders', ${JSON.stringify(order)}), send('/api/v1/users/change-password', ${JSON.stringify(change)})])
    .then(() => { document.title = 'sent'; });
</script>
</body></html>`;
};

test('a cross-site page cannot order or change the password with the session cookie alone', async ({
  page,
  baseURL,
  consoleErrors,
}) => {
  const shop = new URL(baseURL ?? '').origin;
  const shopper = newShopper();
  const hostile = http.createServer((_, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(hostilePage(shop, shopper.password));
  });
  await new Promise<void>((resolve) => hostile.listen(0, '127.0.0.1', resolve));
  const hostileOrigin = `http://127.0.0.1:${(hostile.address() as AddressInfo).port}`;

  try {
    // A signed-in shopper with something in the cart (the session is the browser context's cookie).
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

    // The fetches run on load; then each form is submitted. Without the cookie the gateway would answer
    // 401 UNAUTHORIZED: CSRF_REJECTED shows the browser sent the cookie and the API refused the request.
    for (const button of ['Claim', 'Update']) {
      await page.goto(hostileOrigin);
      await expect(page).toHaveTitle('sent');
      await page.getByRole('button', { name: button }).click();
      await page.waitForURL(`${shop}/api/v1/**`);
      expect(await page.locator('body').textContent()).toContain('CSRF_REJECTED');
    }
    // The browser logs the refused requests (403, and the answers its resource policy keeps from a foreign
    // page) as errors of that page: expected here.
    allowConsoleErrors(consoleErrors, /403|Forbidden|ERR_BLOCKED_BY_RESPONSE/);

    // Nothing changed: no order, the cart as it was, and the password is still the shopper's.
    const orders = await page.request.get(`/api/v1/orders?userId=${user.id}`);
    expect(((await orders.json()) as { items: unknown[] }).items).toEqual([]);
    const cart = await page.request.get(`/api/v1/cart/${user.id}`);
    expect(((await cart.json()) as { itemCount: number }).itemCount).toBe(1);
    const oldPassword = await page.request.post('/api/v1/auth/login', {
      data: { email: shopper.email, password: shopper.password },
    });
    expect(oldPassword.status()).toBe(200);
  } finally {
    await new Promise((resolve) => hostile.close(resolve));
  }
});
