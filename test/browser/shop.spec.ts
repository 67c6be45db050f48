import type { Page } from '@playwright/test';
import {
  allowConsoleErrors,
  expect,
  expectAccessible,
  expectNoHorizontalScroll,
  mailFor,
  newShopper,
  PHONE,
  screenshot,
  signIn,
  signUp,
  test,
} from './fixtures';

/**
 * The shopper's journeys through the storefront, as a person would take them: elements are found by their
 * role and accessible name or by their label. Each test has a shopper of its own.
 */

const LAPTOP = 'Premium Ultrabook Pro 15';
const HEADPHONES = 'Noise-Cancelling Wireless Headphones';
const MOUSE = 'Precision Wireless Mouse';

/** A screenshot at the current size, then one at phone width (checking it does not scroll sideways). */
const screenshots = async (page: Page, name: string) => {
  await screenshot(page, name);
  const size = page.viewportSize();
  await page.setViewportSize(PHONE);
  await expectNoHorizontalScroll(page);
  await screenshot(page, `${name}-phone`);
  if (size) await page.setViewportSize(size);
};

const search = async (page: Page, words: string) => {
  await page.getByRole('searchbox', { name: 'Search products' }).fill(words);
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: `Results for “${words}”` })).toBeVisible();
};

/** From a product's page: adds `quantity` and waits for the confirmation. */
const addToCart = async (page: Page, name: string, quantity = 1) => {
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
  await page.getByLabel('Quantity').fill(String(quantity));
  await page.getByRole('button', { name: 'Add to cart' }).click();
  await expect(page.getByRole('status').filter({ hasText: `Added ${quantity} × ${name} to your cart.` })).toBeVisible();
};

const openProduct = async (page: Page, id: string, name: string) => {
  await page.goto(`/products/${id}`);
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
};

const fillAddress = async (page: Page) => {
  await page.getByLabel('Address line 1').fill('1 Main Street');
  await page.getByLabel('City').fill('Springfield');
  await page.getByLabel('Postal code').fill('12345');
};

/** Places the order with the chosen test card; answers the order id from the order page's address. */
const placeOrder = async (page: Page, card: string) => {
  await page.getByRole('radio', { name: card }).check();
  await page.getByRole('button', { name: 'Place order' }).click();
  await page.waitForURL(/\/orders\/ord_[0-9a-f-]+$/);
  return new URL(page.url()).pathname.split('/').pop() ?? '';
};

const orderStatus = (page: Page) => page.getByRole('status').filter({ hasText: 'Status:' });

test('a new shopper searches, filters, buys two products and gets a receipt', async ({ page }) => {
  const shopper = newShopper();
  await signUp(page, shopper);

  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1, name: 'All products' })).toBeVisible();
  await expect(page.getByRole('link', { name: LAPTOP })).toBeVisible();
  await screenshots(page, 'shop-catalog');

  // A typo still finds the laptop.
  await search(page, 'ultrabok');
  const results = page.getByRole('list', { name: 'Search results' });
  await expect(results.getByRole('link', { name: LAPTOP })).toBeVisible();
  await results.getByRole('link', { name: LAPTOP }).click();
  await addToCart(page, LAPTOP);
  await screenshots(page, 'shop-product');

  // A facet narrows the results; its "Remove filter" button widens them again.
  await search(page, 'wireless');
  await expect(results.getByRole('listitem')).toHaveCount(2);
  await page.getByRole('checkbox', { name: 'Audio (1)' }).check();
  await expect(page).toHaveURL(/[?&]category=Audio(&|$)/);
  await expect(results.getByRole('listitem')).toHaveCount(1);
  await expect(results.getByRole('link', { name: HEADPHONES })).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: '1 product found' })).toBeVisible();
  await expectAccessible(page);
  await screenshots(page, 'shop-search');
  await page.getByRole('button', { name: 'Remove filter: Audio' }).click();
  await expect(page.getByRole('checkbox', { name: 'Audio (1)' })).not.toBeChecked();
  await expect(results.getByRole('listitem')).toHaveCount(2);
  await results.getByRole('link', { name: HEADPHONES }).click();
  await addToCart(page, HEADPHONES);

  // The cart: a new quantity is priced by the server.
  await page.getByRole('link', { name: 'View your cart' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Your cart' })).toBeVisible();
  const lines = page.getByRole('list', { name: 'Items in your cart' });
  await expect(lines.getByRole('listitem')).toHaveCount(2);
  await page.getByRole('combobox', { name: `Quantity of ${HEADPHONES}` }).selectOption('2');
  await expect(page.getByRole('definition').filter({ hasText: '$1,899.97' }).first()).toBeVisible();
  await expect(page.getByRole('link', { name: 'Cart (3 items)' })).toBeVisible();
  await expectAccessible(page);
  await screenshots(page, 'shop-cart');

  await page.getByRole('link', { name: 'Check out' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Checkout' })).toBeVisible();
  await expect(page.getByLabel('Full name')).toHaveValue(`${shopper.firstName} ${shopper.lastName}`);
  await expect(page.getByLabel('Country')).toHaveValue('US');
  // The API's own rules refuse an incomplete address before anything is sent.
  await page.getByRole('button', { name: 'Place order' }).click();
  await expect(page.getByLabel('Address line 1')).toBeFocused();
  await expect(page.getByLabel('Address line 1')).toHaveAttribute('aria-invalid', 'true');
  await fillAddress(page);
  await expectAccessible(page);
  await screenshots(page, 'shop-checkout');

  const orderId = await placeOrder(page, 'Visa (test) — pays');
  await expect(orderStatus(page)).toContainText('Confirmed', { timeout: 30_000 });
  await expect(page.getByRole('cell', { name: '$1,899.97' })).toBeVisible();
  await expect(page.getByRole('list').filter({ hasText: 'Processing' }).getByText('Confirmed')).toBeVisible();
  await expectAccessible(page);
  await screenshots(page, 'shop-order');

  await page.getByRole('link', { name: 'Orders', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Your orders' })).toBeVisible();
  const row = page.getByRole('row').filter({ has: page.getByRole('link', { name: /^View order / }) });
  await expect(row).toHaveCount(1);
  await expect(row).toContainText('Confirmed');
  await expect(row).toContainText('$1,899.97');
  await row.getByRole('link').click();
  await expect(page).toHaveURL(new RegExp(`/orders/${orderId}$`));

  // The receipt is in the (sandbox's) mailbox.
  await expect
    .poll(async () => (await mailFor(page, shopper.email)).map((message) => message.Subject), { timeout: 30_000 })
    .toContain(`Your order ${orderId} is confirmed`);
});

test('a declined card fails the order, says why, and keeps the cart', async ({ page }) => {
  await signUp(page, newShopper());
  await openProduct(page, 'prod-mouse-001', MOUSE);
  await addToCart(page, MOUSE, 2);
  await page.goto('/checkout');
  await fillAddress(page);
  await placeOrder(page, 'Declined card (test)');

  await expect(orderStatus(page)).toContainText('Failed', { timeout: 30_000 });
  await expect(orderStatus(page)).toContainText('Your card was declined. Nothing was charged.');
  await expect(orderStatus(page)).toContainText('Your cart is kept');
  await expect(page.getByRole('button', { name: 'Cancel order' })).toHaveCount(0);
  await expectAccessible(page);

  await orderStatus(page).getByRole('link', { name: 'Go to your cart' }).click();
  const lines = page.getByRole('list', { name: 'Items in your cart' });
  await expect(lines.getByRole('link', { name: MOUSE })).toBeVisible();
  await expect(page.getByRole('combobox', { name: `Quantity of ${MOUSE}` })).toHaveValue('2');
});

test('a cart filled as a guest is still there after signing in', async ({ page, request }) => {
  const shopper = newShopper();
  // The account exists already (made by another client, so this browser stays a guest).
  const registered = await request.post('/api/v1/auth/register', {
    data: { email: shopper.email, password: shopper.password, first_name: 'Guest', last_name: 'Shopper' },
  });
  expect(registered.status()).toBe(201);

  // A page for signed-in shoppers sends a guest to sign in first.
  await page.goto('/orders');
  await expect(page).toHaveURL(/\/login\?next=%2Forders$/);

  await openProduct(page, 'prod-speaker-001', 'Premium Bluetooth Speaker');
  await addToCart(page, 'Premium Bluetooth Speaker', 3);
  await page.getByRole('link', { name: 'View your cart' }).click();
  await expect(page.getByRole('link', { name: 'Cart (3 items)' })).toBeVisible();

  // Checking out asks a guest to sign in, and comes back to the checkout with the same cart.
  await page.getByRole('link', { name: 'Check out' }).click();
  await expect(page).toHaveURL(/\/login\?next=%2Fcheckout$/);
  await page.getByLabel('Email').fill(shopper.email);
  await page.getByLabel('Password').fill(shopper.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Checkout' })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Your order' })).toContainText('Premium Bluetooth Speaker × 3');

  await page.getByRole('link', { name: 'Cart (3 items)' }).click();
  await expect(page.getByRole('combobox', { name: 'Quantity of Premium Bluetooth Speaker' })).toHaveValue('3');
  // The account's cart is on the server now: a fresh page load still shows it.
  await page.reload();
  await expect(page.getByRole('link', { name: 'Premium Bluetooth Speaker' })).toBeVisible();
});

test('a shopper edits the profile and changes the password', async ({ page, consoleErrors }) => {
  const shopper = newShopper();
  await signUp(page, shopper);
  await page.getByRole('link', { name: 'Account' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Your account' })).toBeVisible();

  await page.getByLabel('First name').fill('Robyn');
  await page.getByRole('button', { name: 'Save profile' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Saved' })).toBeVisible();
  await page.reload();
  await expect(page.getByLabel('First name')).toHaveValue('Robyn');

  // Too short for the API's rule: refused in the page, with the API's message.
  await page.getByLabel('Current password').fill(shopper.password);
  await page.getByLabel('New password').fill('short');
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(page.getByLabel('New password')).toHaveAttribute('aria-invalid', 'true');
  const newPassword = `${shopper.password}-new`;
  await page.getByLabel('New password').fill(newPassword);
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Password changed' })).toBeVisible();
  await expectAccessible(page);

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('link', { name: 'Sign in' })).toBeVisible();
  // The old password no longer opens the account; the new one does.
  await page.goto('/login');
  await page.getByLabel('Email').fill(shopper.email);
  await page.getByLabel('Password').fill(shopper.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toHaveText('Email or password is incorrect');
  allowConsoleErrors(consoleErrors, /401/);
  await signIn(page, { email: shopper.email, password: newPassword });
  await page.goto('/account');
  await expect(page.getByLabel('First name')).toHaveValue('Robyn');
});

test('a confirmed order is cancelled from its page', async ({ page }) => {
  await signUp(page, newShopper());
  await openProduct(page, 'prod-keyboard-001', 'Mechanical Gaming Keyboard RGB');
  await addToCart(page, 'Mechanical Gaming Keyboard RGB');
  await page.goto('/checkout');
  await fillAddress(page);
  await placeOrder(page, 'Visa (test) — pays');
  await expect(orderStatus(page)).toContainText('Confirmed', { timeout: 30_000 });

  await page.getByRole('button', { name: 'Cancel order' }).click();
  const dialog = page.getByRole('dialog', { name: 'Cancel this order?' });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole('button', { name: 'No, keep it' })).toBeFocused();
  await expectAccessible(page);
  await dialog.getByRole('button', { name: 'Yes, cancel the order' }).click();

  await expect(dialog).toBeHidden();
  await expect(orderStatus(page)).toContainText('Cancelled');
  await expect(page.getByRole('button', { name: 'Cancel order' })).toHaveCount(0);
  await expect(page.getByRole('region', { name: 'Status history' })).toContainText('Cancelled');
});

test('a retry after a lost answer to "Place order" makes one order, not two', async ({ page, consoleErrors }) => {
  await signUp(page, newShopper());
  await openProduct(page, 'prod-webcam-001', '4K Streaming Webcam');
  await addToCart(page, '4K Streaming Webcam');
  await page.goto('/checkout');
  await fillAddress(page);

  // The first order reaches the shop, but its answer is lost on the way back.
  const keys: string[] = [];
  let lose = true;
  await page.route('**/api/v1/orders', async (route) => {
    if (route.request().method() !== 'POST') return route.continue();
    keys.push((await route.request().headerValue('idempotency-key')) ?? '');
    if (!lose) return route.continue();
    lose = false;
    await route.fetch();
    await route.abort('connectionreset');
  });
  await page.getByRole('button', { name: 'Place order' }).click();
  await expect(page.getByRole('alert')).toHaveText(/could not be reached/);
  allowConsoleErrors(consoleErrors, /ERR_CONNECTION_RESET|Failed to load resource/);

  await page.getByRole('button', { name: 'Place order' }).click();
  await page.waitForURL(/\/orders\/ord_[0-9a-f-]+$/);
  expect(keys).toHaveLength(2);
  expect(keys[1]).toBe(keys[0]);
  await expect(orderStatus(page)).toContainText('Confirmed', { timeout: 30_000 });

  await page.getByRole('link', { name: 'Orders', exact: true }).click();
  await expect(page.getByRole('link', { name: /^View order / })).toHaveCount(1);
});
