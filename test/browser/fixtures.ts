import { randomInt, randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { type APIRequestContext, test as base, expect, type Page } from '@playwright/test';

export { expect } from '@playwright/test';

/**
 * Where the journeys' screenshots go: the README's own (docs/screenshots/) with `npm run screenshots`, else beside
 * Playwright's other results, so that a test run leaves the working tree as it found it.
 */
const SCREENSHOTS = path.resolve(
  import.meta.dirname,
  process.env.UPDATE_SCREENSHOTS ? '../../docs/screenshots' : '../../.playwright-results/screenshots',
);

export const PHONE = { width: 390, height: 844 };

export const ADMIN = { email: 'admin@ecommerce.local', password: 'admin123' };
export const CUSTOMER = { email: 'customer@ecommerce.local', password: 'customer123' };

export interface NewShopper {
  firstName: string;
  lastName: string;
  email: string;
  password: string;
}

export const newShopper = (): NewShopper => ({
  firstName: 'Robin',
  lastName: 'Buyer',
  email: `robin-${randomUUID().slice(0, 8)}@example.com`,
  password: `pw-${randomUUID().slice(0, 12)}`,
});

interface Fixtures {
  /** Console errors and uncaught exceptions of the page; the test fails if any occurred. */
  consoleErrors: string[];
}

/**
 * Every test gets a client IP of its own (the sandbox trusts X-Forwarded-For in this run) and fails on any
 * console error or uncaught exception of its pages.
 */
export const test = base.extend<Fixtures>({
  // biome-ignore lint/correctness/noEmptyPattern: Playwright reads a fixture's dependencies from this pattern
  extraHTTPHeaders: async ({}, use) => {
    await use({ 'X-Forwarded-For': `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}` });
  },
  consoleErrors: [
    async ({ page }, use) => {
      const errors: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') errors.push(message.text());
      });
      page.on('pageerror', (error) => errors.push(error.message));
      await use(errors);
      expect(errors, 'console errors').toEqual([]);
    },
    { auto: true },
  ],
});

/**
 * Marks console errors that a step expects (the browser logs every failed request, e.g. the 401 of a
 * guest's profile check): they are removed from the list the test is judged by.
 */
export const allowConsoleErrors = (errors: string[], pattern: RegExp) => {
  for (let i = errors.length - 1; i >= 0; i--) if (pattern.test(errors[i] ?? '')) errors.splice(i, 1);
};

/**
 * axe: no serious or critical violation on the page as it stands. `disableRules` leaves out rules that a third-party
 * component's own markup breaks (name each with the reason where it is passed).
 */
export const expectAccessible = async (page: Page, { disableRules = [] }: { disableRules?: string[] } = {}) => {
  const results = await new AxeBuilder({ page }).disableRules(disableRules).analyze();
  const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(
    serious.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`),
    'serious or critical accessibility violations',
  ).toEqual([]);
};

/** The page does not scroll sideways (at phone width, say). */
export const expectNoHorizontalScroll = async (page: Page) => {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, 'horizontal overflow in CSS pixels').toBeLessThanOrEqual(0);
};

/** Saves a screenshot of the page (see SCREENSHOTS). */
export const screenshot = async (page: Page, name: string) => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: false });
};

export const signIn = async (page: Page, { email, password }: { email: string; password: string }) => {
  await page.goto('/login');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
};

export const signUp = async (page: Page, shopper: NewShopper) => {
  await page.goto('/register');
  await page.getByLabel('First name').fill(shopper.firstName);
  await page.getByLabel('Last name').fill(shopper.lastName);
  await page.getByLabel('Email').fill(shopper.email);
  await page.getByLabel('Password', { exact: true }).fill(shopper.password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
};

/** The sandbox's mailbox (LocalStack's /_aws/ses shape) for one recipient. */
export const mailFor = async (page: Page, email: string) => {
  const reply = await page.request.get(`/_aws/ses?email=${encodeURIComponent(email)}`);
  const body = (await reply.json()) as { messages: { Subject: string; Body: { text_part?: string } }[] };
  return body.messages;
};

export interface ApiCustomer extends NewShopper {
  user: { id: string };
  /** `Authorization: Bearer <token>`, as an API client sends it. */
  bearer: Record<string, string>;
}

/**
 * A customer registered over the API. The request context keeps the session cookie it answers with, so a
 * page of the same browser context is signed in as this customer.
 */
export const registerByApi = async (request: APIRequestContext, shopper = newShopper()): Promise<ApiCustomer> => {
  const registered = await request.post('/api/v1/auth/register', {
    data: {
      email: shopper.email,
      password: shopper.password,
      first_name: shopper.firstName,
      last_name: shopper.lastName,
    },
  });
  expect(registered.status()).toBe(201);
  const { user, token } = (await registered.json()) as { user: { id: string }; token: string };
  return { ...shopper, user, bearer: { Authorization: `Bearer ${token}` } };
};

export const addToCartByApi = async (
  request: APIRequestContext,
  customer: ApiCustomer,
  productId: string,
  quantity = 1,
) => {
  const added = await request.post(`/api/v1/cart/${customer.user.id}/items`, {
    data: { productId, quantity },
    headers: customer.bearer,
  });
  expect(added.status()).toBe(200);
};

/** Orders the customer's cart over the API with the Visa test card and waits until the order has `status`. */
export const orderByApi = async (
  request: APIRequestContext,
  customer: ApiCustomer,
  status: 'CONFIRMED' | 'REQUIRES_ATTENTION' = 'CONFIRMED',
): Promise<string> => {
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
    headers: { ...customer.bearer, 'Idempotency-Key': `browser-${randomUUID()}` },
  });
  expect(placed.ok(), `POST /orders answered ${placed.status()}`).toBe(true);
  const { id } = (await placed.json()) as { id: string };
  const statusOf = async () =>
    ((await (await request.get(`/api/v1/orders/${id}`, { headers: customer.bearer })).json()) as { status: string })
      .status;
  await expect.poll(statusOf, { timeout: 30_000 }).toBe(status);
  return id;
};

/** Orders the customer's cart over the API with the Visa test card and waits until it is CONFIRMED. */
export const confirmedOrderByApi = (request: APIRequestContext, customer: ApiCustomer): Promise<string> =>
  orderByApi(request, customer);
