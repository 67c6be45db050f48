/**
 * Storefront benchmark on a sandbox of its own, in headless Chromium (Debian's): the JavaScript and CSS
 * each main page loads (gzip, as CloudFront serves them compressed), and the median time from navigation
 * to the first product card and to the cart page's total. Budget: shopper's entry at most 150 KB gzip,
 * first product card within 300 ms on localhost.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { type Browser, chromium, type Page } from '@playwright/test';
import { ROOT_DIR } from '../../local/sandbox';
import { apiClient, signInAdmin, startBenchSandbox } from './sandbox';

const RUNS = Number(process.env.BENCH_WEB_RUNS ?? 15);
const ENTRY_BUDGET_KB = 150;
const FIRST_CARD_BUDGET_MS = 300;
const DIST = path.join(ROOT_DIR, 'web', 'dist');

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
};

const gzipKb = (file: string) => gzipSync(readFileSync(path.join(DIST, file)), { level: 9 }).length / 1024;

/** Records, in the page, when the first element matching `selector` appeared (ms since navigation start). */
const markFirst = (selector: string) => `
  new MutationObserver((_, observer) => {
    if (document.querySelector(${JSON.stringify(selector)})) {
      window.__shown = performance.now();
      observer.disconnect();
    }
  }).observe(document, { childList: true, subtree: true });
`;

const timeTo = async (page: Page, url: string, selector: string): Promise<number> => {
  await page.addInitScript(markFirst(selector));
  await page.goto(url);
  await page.waitForFunction(() => (window as unknown as { __shown?: number }).__shown !== undefined);
  return page.evaluate(() => (window as unknown as { __shown: number }).__shown);
};

/** The .js and .css files a page fetched from the build, with their gzip size. */
const assetsOf = async (browser: Browser, baseUrl: string, route: string, cookie?: string) => {
  const context = await browser.newContext();
  if (cookie) await context.addCookies([{ name: 'session', value: cookie, url: baseUrl }]);
  const page = await context.newPage();
  const files = new Set<string>();
  page.on('response', (response) => {
    const { pathname } = new URL(response.url());
    if (/\.(js|css)$/.test(pathname)) files.add(pathname.slice(1));
  });
  await page.goto(`${baseUrl}${route}`, { waitUntil: 'networkidle' });
  await context.close();
  const js = [...files].filter((f) => f.endsWith('.js')).reduce((sum, f) => sum + gzipKb(f), 0);
  const css = [...files].filter((f) => f.endsWith('.css')).reduce((sum, f) => sum + gzipKb(f), 0);
  return { js, css, files: files.size };
};

const sandbox = await startBenchSandbox();
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
});
try {
  const api = apiClient(sandbox.url);
  const email = `bench-${randomUUID()}@example.com`;
  const registered = await api('/api/v1/auth/register', {
    method: 'POST',
    json: { email, password: 'bench-password', first_name: 'Bench', last_name: 'Shopper' },
  });
  const { token, user } = registered.body as { token: string; user: { id: string } };
  const admin = await signInAdmin(api);
  for (const productId of ['prod-laptop-001', 'prod-mouse-001']) {
    await api(`/api/v1/cart/${user.id}/items`, { method: 'POST', token, json: { productId, quantity: 1 } });
  }

  const pages: [string, string, string | undefined][] = [
    ['catalog', '/', undefined],
    ['product', '/products/prod-laptop-001', undefined],
    ['search', '/search?q=headphones', undefined],
    ['cart', '/cart', token],
    ['checkout', '/checkout', token],
    ['admin overview', '/admin', admin],
  ];
  console.log('Storefront: JavaScript and CSS per page (gzip, level 9)');
  console.log('  page              JS (KB)   CSS (KB)   files');
  let entryJs = 0;
  for (const [name, route, cookie] of pages) {
    const { js, css, files } = await assetsOf(browser, sandbox.url, route, cookie);
    if (name === 'catalog') entryJs = js + css;
    console.log(
      `  ${name.padEnd(16)} ${js.toFixed(1).padStart(8)} ${css.toFixed(1).padStart(10)} ${String(files).padStart(7)}`,
    );
  }
  console.log(
    `  shopper's entry: ${entryJs.toFixed(1)} KB gzip (budget ${ENTRY_BUDGET_KB} KB): ${entryJs <= ENTRY_BUDGET_KB ? 'within' : 'OVER'}`,
  );

  const firstCard: number[] = [];
  const cartShown: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const guest = await browser.newContext();
    firstCard.push(await timeTo(await guest.newPage(), `${sandbox.url}/`, '.product-card'));
    await guest.close();
    const shopper = await browser.newContext();
    await shopper.addCookies([{ name: 'session', value: token, url: sandbox.url }]);
    cartShown.push(await timeTo(await shopper.newPage(), `${sandbox.url}/cart`, '.total .money'));
    await shopper.close();
  }
  const cardMs = median(firstCard);
  console.log(`\nNavigation timings over ${RUNS} cold page loads each (median, ms since navigation start)`);
  console.log(
    `  first product card: ${cardMs.toFixed(0)} ms (budget ${FIRST_CARD_BUDGET_MS} ms): ${cardMs <= FIRST_CARD_BUDGET_MS ? 'within' : 'OVER'}`,
  );
  console.log(`  cart page with its total: ${median(cartShown).toFixed(0)} ms`);
} finally {
  await browser.close();
  await sandbox.stop();
}
