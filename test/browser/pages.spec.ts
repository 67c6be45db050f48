import type { APIRequestContext, Page } from '@playwright/test';
import {
  addToCartByApi,
  confirmedOrderByApi,
  expect,
  expectAccessible,
  expectNoHorizontalScroll,
  PHONE,
  registerByApi,
  test,
} from './fixtures';

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
  const customer = await registerByApi(request);
  await addToCartByApi(request, customer, 'prod-mouse-001');
  const orderId = await confirmedOrderByApi(request, customer);
  // The confirmed order empties the cart (an event consumer); these lines are the next purchase.
  const itemCount = async () =>
    (
      (await (await request.get(`/api/v1/cart/${customer.user.id}`, { headers: customer.bearer })).json()) as {
        itemCount: number;
      }
    ).itemCount;
  await expect.poll(itemCount).toBe(0);
  await addToCartByApi(request, customer, 'prod-laptop-001');
  await addToCartByApi(request, customer, 'prod-headset-001', 2);
  return { orderId };
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
