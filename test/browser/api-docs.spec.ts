import { expect, expectAccessible, test } from './fixtures';

/**
 * Swagger UI's own markup breaks two axe rules that no stylesheet can mend: each operation's summary is a button with
 * buttons inside it (nested-interactive), and an enum parameter's select has no label (select-name). Everything
 * else, colour contrast included (web/api/docs/docs.css), is checked.
 */
const VIEWER_RULES = ['nested-interactive', 'select-name'];

test('the API reference lists the operations from the description, loading nothing from elsewhere', async ({
  page,
}) => {
  const origins = new Set<string>();
  page.on('request', (request) => origins.add(new URL(request.url()).origin));

  await page.goto('/api/docs');
  await expect(page).toHaveTitle('Shop API reference');
  await expect(page.getByRole('heading', { name: /Shop API/ })).toBeVisible();
  const listProducts = page.getByRole('button', { name: 'GET /api/v1/products List products', exact: true });
  await expect(listProducts).toBeVisible();
  await expect(page.getByRole('button', { name: /^POST \/api\/v1\/orders Place an order/ })).toBeVisible();
  await expectAccessible(page, { disableRules: VIEWER_RULES });

  await listProducts.click();
  // Operations with examples of every kind of value (numbers, strings, arrays, nested objects).
  await page.getByRole('button', { name: /^POST \/api\/v1\/orders Place an order/ }).click();
  await page.getByRole('button', { name: /^GET \/api\/v1\/admin\/overview Dashboard overview/ }).click();
  await expect(page.getByText('**Access:**')).toHaveCount(0);
  await expect(page.getByText('Access: public.', { exact: false }).first()).toBeVisible();
  await expect(page.getByRole('row', { name: /^minPrice/ })).toBeVisible();
  await expectAccessible(page, { disableRules: VIEWER_RULES });

  // The bundle, its styles and the description all come from the page's own origin (it works offline).
  expect([...origins]).toEqual([new URL(page.url()).origin]);
});
