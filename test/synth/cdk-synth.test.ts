import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../lib/constructs/service-function';
import { FUNCTION_BANNER } from '../../lib/spec/bundling';
import { routes } from '../../lib/spec/routes';
import { isServiceFunction, type Json } from '../cdk/support';

// The one real `cdk synth` (esbuild bundles every function, Vite builds the web app): about two minutes,
// so it has a Vitest project of its own, `synth`, with room for a slow machine (vitest.config.ts).
const run = promisify(execFile);

describe('`npx cdk synth` as a user runs it: offline, no AWS credentials, real esbuild bundling (no Docker)', () => {
  const outdir = mkdtempSync(path.join(tmpdir(), 'shop-cdk-'));
  let result: { code: number; stdout: string; stderr: string };

  beforeAll(async () => {
    const env = { ...process.env };
    for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_PROFILE', 'AWS_SESSION_TOKEN']) {
      delete env[name];
    }
    result = await run(path.join(PROJECT_ROOT, 'node_modules/.bin/cdk'), ['synth', '-o', outdir], {
      cwd: PROJECT_ROOT,
      env,
      maxBuffer: 64 * 1024 * 1024,
    }).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (error: { code: number; stdout: string; stderr: string }) => error,
    );
  });
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  it('exits 0 and prints the template of the one stack: the root, with its nested stacks', () => {
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('Resources:');
    expect(result.stdout).toContain('AWS::CloudFormation::Stack');
    expect(result.stderr).not.toContain('Supply a stack id');
  });

  it('writes Shop-dev with a minified ESM bundle and source map per function of every nested stack', async () => {
    expect(result.code, result.stderr).toBe(0);
    expect(new CloudAssembly(outdir).stacks.map((stack) => stack.stackName)).toEqual(['Shop-dev']);

    const nested = readdirSync(outdir).filter((file) => file.endsWith('.nested.template.json'));
    const functions = nested.flatMap((file) =>
      Object.values(JSON.parse(readFileSync(path.join(outdir, file), 'utf8')).Resources as Record<string, Json>).filter(
        isServiceFunction,
      ),
    );
    expect(functions.length).toBeGreaterThanOrEqual(routes.length);
    for (const fn of functions) {
      const bundleDir = path.join(outdir, fn.Metadata['aws:asset:path']);
      const bundle = readFileSync(path.join(bundleDir, 'index.mjs'), 'utf8');
      expect(bundle.startsWith(FUNCTION_BANNER)).toBe(true);
      expect(existsSync(path.join(bundleDir, 'index.mjs.map'))).toBe(true);
      expect(bundle.trimEnd().endsWith('//# sourceMappingURL=index.mjs.map')).toBe(true);
      // Minified: long lines (a few newlines survive inside template literals and legal comments).
      expect(bundle.length / bundle.split('\n').length).toBeGreaterThan(1000);
    }

    // The bundle loads as an ES module on Node and exports the handler.
    const health = functions.find((fn) => String(fn.Properties.Description).endsWith('/health'));
    const module = await import(pathToFileURL(path.join(outdir, health.Metadata['aws:asset:path'], 'index.mjs')).href);
    expect(typeof module.handler).toBe('function');
  });

  it('builds the web app with Vite into the storefront deployment: index.html and hashed files, no inline script', () => {
    expect(result.code, result.stderr).toBe(0);
    const templates = readdirSync(outdir)
      .filter((file) => file.endsWith('.nested.template.json'))
      .map((file) => JSON.parse(readFileSync(path.join(outdir, file), 'utf8')));
    const web = templates.find((t) =>
      Object.values(t.Resources as Record<string, Json>).some((r) => r.Type === 'AWS::CloudFront::Distribution'),
    );
    const keys = Object.values(web.Resources as Record<string, Json>)
      .filter((r) => r.Type === 'Custom::CDKBucketDeployment')
      .map((r) => r.Properties.SourceObjectKeys[0]);
    expect(new Set(keys).size).toBe(1);
    const site = path.join(outdir, `asset.${String(keys[0]).replace(/\.zip$/, '')}`);
    const html = readFileSync(path.join(site, 'index.html'), 'utf8');
    expect(html).toMatch(/<script type="module"[^>]* src="\/assets\/[^"]+\.js"><\/script>/);
    // The CSP allows no inline script: every <script> has a src.
    expect(html.match(/<script(?![^>]*\ssrc=)[^>]*>/g) ?? []).toEqual([]);
    expect(readdirSync(path.join(site, 'assets')).some((file) => /-[\w-]{8}\.js$/.test(file))).toBe(true);
  });
});
