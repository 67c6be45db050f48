import { defineConfig, devices } from '@playwright/test';

/**
 * Browser tests: Debian's chromium (Playwright's own browser download does not work here), driving the
 * storefront and the admin dashboard on a sandbox that test/browser/global-setup.ts starts.
 */
export default defineConfig({
  testDir: 'test/browser',
  globalSetup: './test/browser/global-setup.ts',
  timeout: 60_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 2,
  retries: 0,
  forbidOnly: true,
  reporter: [['list']],
  outputDir: '.playwright-results',
  use: {
    ...devices['Desktop Chrome'],
    baseURL: process.env.WEB_URL,
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
});
