import { spawnSandbox } from '../support/spawn-sandbox';

/**
 * One sandbox for the whole browser run, started exactly as `npm start` does (it builds the web app when
 * stale). Workers read its URL from WEB_URL; WEB_URL set beforehand points the tests at a running shop.
 */
export default async function setup() {
  if (process.env.WEB_URL) return;
  const sandbox = await spawnSandbox('browser', {
    // Each test presents its own client IP, so per-IP limits (sign-in: 20 per 15 min) apply per test.
    SANDBOX_TRUST_FORWARDED_FOR: '1',
  });
  process.env.WEB_URL = sandbox.url;
  return async () => {
    await sandbox.stop();
  };
}
