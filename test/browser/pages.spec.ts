import type { APIRequestContext, Page } from '@playwright/test';
import { expect, expectAccessible, expectNoHorizontalScroll, newShopper, PHONE, test } from './fixtures';

/**
 * Every shopper page, as a guest and signed in: no console error (the fixture), no serious or critical axe
 * violation, no sideways scroll at 390x844. (admin.spec.ts sweeps the dashboard's pages the same way; the
 * journeys save the README's screenshots.)
 */

const settle = async (page: Page) => {
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: /Loading/ })).toHaveCount(0);
};

const check = async (page: Page, path: string) => {
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(path);
  await settle(page);
  await expectAccessible(page);
  await page.setViewportSize(PHONE);
  await settle(page);
  await expectNoHorizontalScroll(page);
};

/** A customer with two lines in the cart and one confirmed order (through the API, as a client would). */
const customerWithHistory = async (request: APIRequestContext) => {
  const shopper = newShopper();
  const registered = await request.post('/api/v1/auth/register', {
    data: { email: shopper.email, password: shopper.password, first_name: 'Robin', last_name: 'Buyer' },
  });
  expect(registered.status()).toBe(201);
  const { user } = (await registered.json()) as { user: { id: string } };
  const csrf = { 'x-shop-csrf': '1' };
  const add = (productId: string, quantity: number) =>
    request.post(`/api/v1/cart/${user.id}/items`, { data: { productId, quantity }, headers: csrf });
  await add('prod-mouse-001', 1);
  const placed = await request.post('/api/v1/orders', {
    data: {
      shippingAddress: {
        name: 'Robin Buyer',
        line1: '1 Main Street',
        city: 'Springfield',
        postalCode: '12345',
        country: 'US',
      },
      paymentMethod: { type: 'card', token: 'tok_visa' },
    },
    headers: { ...csrf, 'Idempotency-Key': `pages-${user.id}` },
  });
  expect(placed.status()).toBeLessThan(300);
  const order = (await placed.json()) as { id: string };
  await expect
    .poll(async () => ((await (await request.get(`/api/v1/orders/${order.id}`)).json()) as { status: string }).status, {
      timeout: 30_000,
    })
    .toBe('CONFIRMED');
  // The confirmed order emptied the cart; these lines are the next purchase.
  await expect
    .poll(
      async () => ((await (await request.get(`/api/v1/cart/${user.id}`)).json()) as { itemCount: number }).itemCount,
    )
    .toBe(0);
  await add('prod-laptop-001', 1);
  await add('prod-headset-001', 2);
  return { user, orderId: order.id };
};

test('shopper pages as a guest', async ({ page }) => {
  await check(page, '/');
  await check(page, '/categories/audio');
  await check(page, '/products/prod-laptop-001');
  await check(page, '/search?q=headphones');
  await check(page, '/register');
  await check(page, '/login');
  await check(page, '/no-such-page');
});

test('shopper pages when signed in', async ({ page }) => {
  const { orderId } = await customerWithHistory(page.request);
  await check(page, '/cart');
  await check(page, '/checkout');
  await check(page, '/orders');
  await check(page, `/orders/${orderId}`);
  await check(page, '/account');
});
