import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { call, login, registerCustomer } from './http';
import { functionEnvironment, tableName } from './target';

const ROOT = path.resolve(import.meta.dirname, '../..');
const run = promisify(execFile);

/** `npm run create-admin -- --email <email> --table <UsersTableName>`, as for any stage, with the target's AWS settings. */
const createAdmin = (email: string, password?: string) =>
  run(process.execPath, ['--import', 'tsx', 'bin/create-admin.ts', '--email', email, '--table', tableName('users')], {
    cwd: ROOT,
    env: { ...process.env, ...functionEnvironment(), ...(password && { ADMIN_PASSWORD: password }) },
  });

describe('npm run create-admin', () => {
  it('creates an admin who can then use the admin routes', async () => {
    const email = `ops-${randomUUID()}@example.com`;
    const { stdout } = await createAdmin(email, 'a-strong-admin-pass');
    expect(stdout).toContain(`Created admin ${email}`);
    const { status, body } = await login(email, 'a-strong-admin-pass');
    expect(status).toBe(200);
    expect(body.user.role).toBe('admin');
    expect((await call('/api/v1/admin/audit?limit=1', { token: body.token })).status).toBe(200);
  });

  it('promotes an existing customer, whose next session is an admin one', async () => {
    const customer = await registerCustomer();
    expect((await call('/api/v1/admin/audit', { token: customer.token })).status).toBe(403);
    const { stdout } = await createAdmin(customer.email);
    expect(stdout).toContain('is now an admin');
    // The role of record counts at once, even for a token issued before the promotion.
    expect((await call('/api/v1/admin/audit?limit=1', { token: customer.token })).status).toBe(200);
  });

  it('refuses a weak password and says why', async () => {
    const failure = await createAdmin(`ops-${randomUUID()}@example.com`, 'short').catch(
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure).toMatchObject({ code: 1 });
    expect((failure as { stderr: string }).stderr).toContain('password');
  });
});
