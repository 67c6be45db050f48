import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { functionBuildOptions } from '../../../lib/spec/bundling';

const out = mkdtempSync(path.join(tmpdir(), 'shop-bundling-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

/** The stack of the error the fixture's handler throws, as a fresh Node process formats it with `env`. */
const stackOf = async (env: Record<string, string>) => {
  const outfile = path.join(out, 'throws.mjs');
  await build({
    ...functionBuildOptions,
    entryPoints: [path.join(import.meta.dirname, 'fixtures', 'throws.ts')],
    outfile,
    logLevel: 'error',
  });
  const script = `const { handler } = await import(${JSON.stringify(outfile)}); try { await handler({ what: 'x' }); } catch (error) { process.stdout.write(error.stack); }`;
  return String(
    execFileSync(process.execPath, ['--input-type=module', '-e', script], { env: { PATH: process.env.PATH, ...env } }),
  );
};

describe('function bundles', () => {
  it('name the TypeScript source, line and column in their stack traces, with no Node flag', async () => {
    const stack = await stackOf({});
    expect(stack.split('\n')[0]).toBe('Error: failed: x');
    expect(stack).toMatch(/test\/unit\/lib\/fixtures\/throws\.ts:3:9\)?$/m);
    expect(stack).not.toMatch(/throws\.mjs:1:\d+/);
  });

  it('leave the traces to Node when its own source map support is on', async () => {
    const stack = await stackOf({ NODE_OPTIONS: '--enable-source-maps' });
    expect(stack).toMatch(/throws\.ts:3:9/);
  });
});
