import { randomUUID } from 'node:crypto';
import type { Page } from '@playwright/test';
import {
  ADMIN,
  addToCartByApi,
  allowConsoleErrors,
  CUSTOMER,
  confirmedOrderByApi,
  expect,
  expectAccessible,
  expectNoHorizontalScroll,
  orderByApi,
  PHONE,
  registerByApi,
  screenshot,
  signIn,
  test,
} from './fixtures';

/**
 * The admin dashboard, as an admin works with it: the catalog, stock, orders and the audit log; and what a
 * guest and a customer get at /admin.
 */

/** A word no sample product contains, so a search for it finds only the product it names. */
const uniqueWord = () =>
  Array.from(randomUUID().replaceAll('-', '').slice(0, 10), (c) =>
    String.fromCharCode(97 + (Number.parseInt(c, 16) % 26)),
  ).join('');

const adminNav = (page: Page) => page.getByRole('navigation', { name: 'Admin' });

const heading = (page: Page, name: string | RegExp) => page.getByRole('heading', { level: 1, name });

/** The page has its heading and nothing is loading any more. */
const settled = async (page: Page, name: string | RegExp) => {
  await expect(heading(page, name)).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: /Loading|Searching|Looking up/ })).toHaveCount(0);
};

test('an admin creates a product, stocks it, and shoppers find it by search', async ({ page }) => {
  const word = uniqueWord();
  const sku = `PW-${word.slice(0, 6).toUpperCase()}`;
  const name = `Braided cable ${word}`;

  await signIn(page, ADMIN);
  await page.getByRole('navigation', { name: 'Account' }).getByRole('link', { name: 'Admin' }).click();
  await settled(page, 'Overview');
  await adminNav(page).getByRole('link', { name: 'Products' }).click();
  await settled(page, 'Products');
  await screenshot(page, 'dashboard-products');

  await page.getByRole('link', { name: 'New product' }).click();
  await expect(heading(page, 'New product')).toBeVisible();
  await page.getByLabel('SKU').fill(sku);
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Description').fill('One metre, braided, USB-C at both ends.');
  await page.getByLabel('Price').fill('19.99');
  await page.getByLabel('Category').selectOption('Peripherals');
  await page.getByLabel('Brand').fill('Wired');
  await page.getByLabel('Image URL').fill('/images/placeholder.svg');
  await page.evaluate(() => window.scrollTo(0, 0));
  await screenshot(page, 'dashboard-product-form');
  await page.getByRole('button', { name: 'Create product' }).click();

  await expect(heading(page, `Edit ${name}`)).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: 'Product created' })).toBeVisible();
  await page.getByRole('status').getByRole('link', { name: 'set its stock' }).click();

  await settled(page, 'Stock');
  const available = page.getByLabel(`Available for ${sku}`);
  await expect(available).toHaveValue('0');
  await available.fill('25');
  await page.getByRole('button', { name: `Save stock of ${sku}` }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Saved' })).toBeVisible();
  await screenshot(page, 'dashboard-stock');
  expect(((await (await page.request.get(`/api/v1/inventory/${sku}`)).json()) as { available: number }).available).toBe(
    25,
  );

  // The search index follows the catalog asynchronously (ProductChanged -> indexer): search until it is there.
  const search = page.getByRole('searchbox', { name: 'Search products' });
  await search.fill(word);
  await search.press('Enter');
  await expect(page).toHaveURL(/\/search\?q=/);
  await expect(async () => {
    await page.reload();
    await expect(page.getByRole('link', { name })).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 45_000 });
});

test('an admin ships and delivers an order, and the audit log shows it', async ({ page }) => {
  // A fresh customer orders through the API, as a client would (a bearer token, an idempotency key).
  const customer = await registerByApi(page.request);
  await addToCartByApi(page.request, customer, 'prod-mouse-001', 2);
  const orderId = await confirmedOrderByApi(page.request, customer);
  // Registering set the customer's session cookie in this browser: the admin signs in afresh.
  await page.context().clearCookies();

  await signIn(page, ADMIN);
  const admin = ((await (await page.request.get('/api/v1/auth/session')).json()) as { user: { id: string } }).user;
  await page.goto('/admin/orders');
  await settled(page, 'Orders');
  await page.getByLabel('Status').selectOption('CONFIRMED');
  await expect(page).toHaveURL(/status=CONFIRMED/);
  await expect(page.getByRole('button', { name: `Ship order ${orderId}` })).toBeVisible();
  await screenshot(page, 'dashboard-orders');
  await page.getByRole('link', { name: orderId }).click();

  await settled(page, /^Order [0-9A-F]{8}$/);
  await expect(page.getByText(orderId, { exact: true })).toBeVisible();
  await expect(page.getByText(customer.user.id, { exact: true }).first()).toBeVisible();
  await expect(page.getByText('1 Main Street')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Deliver order' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Cancel order' })).toBeVisible();
  await screenshot(page, 'dashboard-order-detail');
  await page.getByRole('button', { name: 'Ship order' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'the order is now shipped' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Ship order' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Cancel order' })).toHaveCount(0);
  await page.getByRole('button', { name: 'Deliver order' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'the order is now delivered' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'History' })).toBeVisible();
  await expect(page.getByRole('list').filter({ hasText: 'Delivered' }).getByRole('listitem')).toHaveCount(4);

  await adminNav(page).getByRole('link', { name: 'Audit log' }).click();
  await settled(page, 'Audit log');
  await page.getByLabel('Actor').fill(admin.id);
  await page.getByLabel('Type').selectOption('admin.operation');
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await expect(page).toHaveURL(/type=admin\.operation/);
  await settled(page, 'Audit log');
  for (const action of ['ship', 'deliver']) {
    const row = page.getByRole('row').filter({ hasText: `/api/v1/orders/${orderId}/${action}` });
    await expect(row).toHaveCount(1);
    await expect(row).toContainText('admin.operation');
    await expect(row).toContainText('success');
    await expect(row).toContainText(admin.id);
    await expect(row).toContainText(/POST \/api\/v1\/orders\/\{id\}\/(ship|deliver)/);
    await expect(row).toContainText('→ 200');
  }
  await screenshot(page, 'dashboard-audit');
});

test('an order whose refund kept failing is listed as needing attention, and the admin resolves it', async ({
  page,
}) => {
  const customer = await registerByApi(page.request);
  await addToCartByApi(page.request, customer, 'prod-mouse-001', 1);
  // The sandbox fails the confirmation (the saga compensates a charged order) and every refund, for this customer.
  const faults: string[] = [];
  for (const handler of ['orders/handlers/saga/confirm-order', 'payments/handlers/saga/refund-payment']) {
    const fault = await page.request.post('/_aws/faults', {
      data: { service: 'lambda', function: handler, pattern: { userId: [customer.user.id] } },
    });
    expect(fault.status()).toBe(201);
    faults.push(((await fault.json()) as { id: string }).id);
  }
  const orderId = await orderByApi(page.request, customer, 'REQUIRES_ATTENTION');
  for (const id of faults) expect((await page.request.delete(`/_aws/faults?id=${id}`)).status()).toBe(204);
  await page.context().clearCookies();

  await signIn(page, ADMIN);
  await page.goto('/admin/orders');
  await settled(page, 'Orders');
  await page.getByLabel('Status').selectOption({ label: 'Needs attention' });
  await expect(page).toHaveURL(/status=REQUIRES_ATTENTION/);
  await page.getByRole('link', { name: orderId }).click();

  await settled(page, /^Order [0-9A-F]{8}$/);
  await expect(page.getByRole('heading', { name: 'Needs attention' })).toBeVisible();
  await expect(page.getByText(/Kept failing: refunding the payment/)).toBeVisible();
  await expect(page.getByRole('button', { name: 'Cancel order' })).toHaveCount(0);
  await page.getByRole('button', { name: 'Resolve order' }).click();
  await expect(page.getByRole('dialog', { name: 'Resolve this order?' })).toContainText('any payment is refunded');
  await page.getByRole('button', { name: 'Resolve the order' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'the order is now failed' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Needs attention' })).toHaveCount(0);
  await expectAccessible(page);
});

test('a customer at /admin sees "Not allowed", and nothing of the dashboard is requested', async ({ page }) => {
  const adminCalls: string[] = [];
  page.on('request', (request) => {
    if (new URL(request.url()).pathname.startsWith('/api/v1/admin')) adminCalls.push(request.url());
  });
  await signIn(page, CUSTOMER);
  await expect(page.getByRole('navigation', { name: 'Account' }).getByRole('link', { name: 'Admin' })).toHaveCount(0);
  await page.goto('/admin');
  await expect(heading(page, 'Not allowed')).toBeVisible();
  await expect(page.getByText("The dashboard is for the shop's administrators")).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Admin' })).toHaveCount(0);
  await page.goto('/admin/orders');
  await expect(heading(page, 'Not allowed')).toBeVisible();
  await expectAccessible(page);
  expect(adminCalls).toEqual([]);
});

test('a guest at /admin is sent to sign in, and comes back to the dashboard', async ({ page }) => {
  await page.goto('/admin');
  await expect(heading(page, 'Sign in')).toBeVisible();
  expect(new URL(page.url()).searchParams.get('next')).toBe('/admin');
  await page.getByLabel('Email').fill(ADMIN.email);
  await page.getByLabel('Password').fill(ADMIN.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await settled(page, 'Overview');
  expect(new URL(page.url()).pathname).toBe('/admin');
});

test('a new product with a bad SKU and price shows the errors next to the fields', async ({ page, consoleErrors }) => {
  await signIn(page, ADMIN);
  await page.goto('/admin/products/new');
  await expect(heading(page, 'New product')).toBeVisible();
  await page.getByLabel('SKU').fill('not a sku!');
  await page.getByLabel('Name').fill('Broken product');
  await page.getByLabel('Price').fill('12.345');
  await page.getByLabel('Category').selectOption('Audio');
  await page.getByLabel('Brand').fill('Nobody');
  await page.getByRole('button', { name: 'Create product' }).click();

  // The API's own schema refused them, with its messages, before anything was sent.
  await expect(page.getByLabel('SKU')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByLabel('SKU')).toHaveAccessibleDescription(/Expected a SKU such as LAPTOP-001/);
  await expect(page.getByLabel('SKU')).toBeFocused();
  await expect(page.getByLabel('Price')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByLabel('Price')).toHaveAccessibleDescription(/Expected an amount with at most two decimals/);
  await expect(page.getByLabel('Name')).not.toHaveAttribute('aria-invalid', 'true');
  await page.getByLabel('Price').fill('-5');
  await page.getByRole('button', { name: 'Create product' }).click();
  await expect(page.getByLabel('Price')).toHaveAccessibleDescription(/Price must be above zero/);
  await expectAccessible(page);

  // A rule only the server knows (the SKU is taken) lands next to its field too.
  await page.getByLabel('SKU').fill('LAPTOP-001');
  await page.getByLabel('Price').fill('12.34');
  await page.getByRole('button', { name: 'Create product' }).click();
  await expect(page.getByLabel('SKU')).toHaveAccessibleDescription(/SKU LAPTOP-001 is already used by another product/);
  await expect(page.getByLabel('Price')).not.toHaveAttribute('aria-invalid', 'true');
  await expect(heading(page, 'New product')).toBeVisible();
  allowConsoleErrors(consoleErrors, /409/);
});

test('the dashboard pages at phone width: accessible, no sideways scroll', async ({ page }) => {
  await signIn(page, ADMIN);
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto('/admin');
  await settled(page, 'Overview');
  await expect(page.getByRole('heading', { name: /^Today/ })).toBeVisible();
  await expect(page.getByRole('heading', { name: /^Last 30 days/ })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Failed orders by reason' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Low stock' })).toBeVisible();
  await expect(page.getByRole('table', { name: /Orders and revenue per day/ }).getByRole('row')).toHaveCount(31);
  await screenshot(page, 'dashboard-overview');

  await page.setViewportSize(PHONE);
  for (const [path, name] of [
    ['/admin', 'Overview'],
    ['/admin/products', 'Products'],
    ['/admin/orders', 'Orders'],
    ['/admin/stock', 'Stock'],
    ['/admin/categories', 'Categories'],
    ['/admin/audit', 'Audit log'],
    ['/admin/products/prod-laptop-001', 'Edit Premium Ultrabook Pro 15'],
  ] as const) {
    await page.goto(path);
    await settled(page, name);
    await expect(adminNav(page)).toBeVisible();
    await expectAccessible(page);
    await expectNoHorizontalScroll(page);
    if (path === '/admin/orders') await screenshot(page, 'dashboard-orders-phone');
  }
});

test('an admin creates a category and edits its description', async ({ page }) => {
  const name = `Cables ${uniqueWord()}`;
  await signIn(page, ADMIN);
  await page.goto('/admin/categories');
  await settled(page, 'Categories');
  const create = page.getByRole('form', { name: 'New category' });
  await create.getByRole('button', { name: 'Create category' }).click();
  await expect(create.getByLabel('Name')).toHaveAttribute('aria-invalid', 'true');
  await expect(create.getByLabel('Name')).toBeFocused();

  await create.getByLabel('Name').fill(name);
  await create.getByLabel('Description').fill('Every cable we sell.');
  await create.getByRole('button', { name: 'Create category' }).click();
  await expect(create.getByRole('status')).toHaveText(`Category ${name} created`);
  await expect(page.getByRole('heading', { level: 3, name })).toBeVisible();
  // The shop's own category menu has it too.
  await expect(page.getByRole('navigation', { name: 'Categories' }).getByRole('link', { name })).toBeVisible();

  await page.getByRole('button', { name: `Edit ${name}` }).click();
  const edit = page.getByRole('form', { name: `Edit ${name}` });
  await edit.getByLabel('Description').fill('Every cable we sell, braided or not.');
  await edit.getByRole('button', { name: 'Save category' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Saved' })).toBeVisible();
  const item = page.getByRole('listitem').filter({ has: page.getByRole('heading', { level: 3, name }) });
  await expect(item).toContainText('Every cable we sell, braided or not.');
  await expect(page.getByRole('button', { name: `Edit ${name}` })).toBeFocused();
  await screenshot(page, 'dashboard-categories');
});

test('an admin deletes a product after confirming: it leaves the shop', async ({ page, consoleErrors }) => {
  const word = uniqueWord();
  const name = `Spare adapter ${word}`;
  await signIn(page, ADMIN);
  const created = await page.request.post('/api/v1/products', {
    data: { sku: `PW-${word.toUpperCase()}`, name, price: 5, category: 'Peripherals', brand: 'Wired' },
    headers: { 'x-shop-csrf': '1' },
  });
  expect(created.status()).toBe(201);
  const { id } = (await created.json()) as { id: string };

  await page.goto(`/admin/products/${id}`);
  await settled(page, `Edit ${name}`);
  await page.getByRole('button', { name: 'Delete product' }).click();
  const dialog = page.getByRole('dialog', { name: `Delete ${name}?` });
  await expect(dialog).toBeVisible();
  await dialog.getByRole('button', { name: 'Keep it' }).click();
  await expect(dialog).toBeHidden();
  expect((await page.request.get(`/api/v1/products/${id}`)).status()).toBe(200);

  await page.getByRole('button', { name: 'Delete product' }).click();
  await dialog.getByRole('button', { name: 'Delete', exact: true }).click();
  await settled(page, 'Products');
  await expect(page.getByRole('status').filter({ hasText: `${name} was deleted` })).toBeVisible();
  await expect(page.getByRole('link', { name })).toHaveCount(0);
  expect((await page.request.get(`/api/v1/products/${id}`)).status()).toBe(404);

  await page.goto(`/admin/products/${id}`);
  await expect(heading(page, 'Product not found')).toBeVisible();
  allowConsoleErrors(consoleErrors, /404/);
});
