import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { ASSET_RESOURCE_METADATA_ENABLED_CONTEXT } from 'aws-cdk-lib/cx-api';
import { Construct } from 'constructs';
import { afterAll, describe, expect, it } from 'vitest';
import { createShopStacks } from '../../lib/app';
import { ConfigError, readAppConfig } from '../../lib/app-config';
import { ESM_REQUIRE_BANNER, PROJECT_ROOT } from '../../lib/constructs/service-function';
import { routes } from '../../lib/routes';
import { baseConfig, type Json, ofType } from './support';

const configOf = (context: Record<string, unknown>) => {
  const node = new Construct(new App({ context }), 'Probe').node;
  return readAppConfig(node);
};
const valid = { stage: 'dev', sesSender: 'no-reply@example.com' };

describe('app context', () => {
  it('accepts dev and prod, and refuses any other stage with a message naming the key and the choices', () => {
    expect(configOf({ ...valid, stage: 'prod' }).stage).toBe('prod');
    expect(() => configOf({ ...valid, stage: 'staging' })).toThrow(ConfigError);
    expect(() => configOf({ ...valid, stage: 'staging' })).toThrow(
      /"stage" must be one of dev, prod \(got "staging"\)/,
    );
    expect(() => configOf({ sesSender: valid.sesSender })).toThrow(/"stage"/);
  });

  it('requires the SES sender to be an email address', () => {
    expect(() => configOf({ stage: 'dev' })).toThrow(/"sesSender"/);
    expect(() => configOf({ ...valid, sesSender: 'not-an-email' })).toThrow(/"sesSender"/);
  });

  it('reads enableOpenSearch as a boolean or as the string the CLI passes', () => {
    expect(configOf(valid).enableOpenSearch).toBe(false);
    expect(configOf({ ...valid, enableOpenSearch: true }).enableOpenSearch).toBe(true);
    expect(configOf({ ...valid, enableOpenSearch: 'true' }).enableOpenSearch).toBe(true);
    expect(configOf({ ...valid, enableOpenSearch: 'FALSE' }).enableOpenSearch).toBe(false);
    expect(() => configOf({ ...valid, enableOpenSearch: 'yes' })).toThrow(/"enableOpenSearch" must be true or false/);
  });

  it('reads corsOrigins as a list or a comma-separated string of origins, never a wildcard or a path', () => {
    expect(configOf(valid).corsOrigins).toEqual([]);
    expect(configOf({ ...valid, corsOrigins: 'https://a.example.com, http://localhost:3000' }).corsOrigins).toEqual([
      'https://a.example.com',
      'http://localhost:3000',
    ]);
    expect(configOf({ ...valid, corsOrigins: ['https://a.example.com'] }).corsOrigins).toEqual([
      'https://a.example.com',
    ]);
    expect(() => configOf({ ...valid, corsOrigins: '*' })).toThrow(/"corsOrigins"/);
    expect(() => configOf({ ...valid, corsOrigins: 'https://a.example.com/shop' })).toThrow(/"corsOrigins"/);
  });

  it('makes bin/app.ts exit with the message, not a stack trace, on a bad stage', async () => {
    const run = promisify(execFile);
    const failure = await run(path.join(PROJECT_ROOT, 'node_modules/.bin/tsx'), ['bin/app.ts'], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, CDK_CONTEXT_JSON: JSON.stringify({ ...valid, stage: 'qa' }) },
    }).then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure?.code).toBe(1);
    expect(failure?.stderr).toContain('Context "stage" must be one of dev, prod (got "qa")');
    expect(failure?.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('the real app, bundled with esbuild (offline, no Docker)', () => {
  const outdir = mkdtempSync(path.join(tmpdir(), 'shop-cdk-'));
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  it('synthesizes Shop-dev-Data and Shop-dev-Api with a minified ESM bundle and source map per function', async () => {
    // As under the CLI: the asset path goes into each function's metadata.
    const app = new App({ outdir, context: { [ASSET_RESOURCE_METADATA_ENABLED_CONTEXT]: true } });
    const { data, api } = createShopStacks(app, baseConfig);
    const assembly = app.synth();
    expect(assembly.stacks.map((stack) => stack.stackName).sort()).toEqual(['Shop-dev-Api', 'Shop-dev-Data']);
    expect(data.stackName).toBe('Shop-dev-Data');

    const functions = [...api.contexts.values()].flatMap((context) =>
      ofType(Template.fromStack(context), 'AWS::Lambda::Function').map(([, fn]) => fn as Json),
    );
    expect(functions.length).toBeGreaterThanOrEqual(routes.length);
    for (const fn of functions) {
      const bundleDir = path.join(outdir, fn.Metadata['aws:asset:path']);
      const bundle = readFileSync(path.join(bundleDir, 'index.mjs'), 'utf8');
      expect(bundle.startsWith(ESM_REQUIRE_BANNER)).toBe(true);
      expect(existsSync(path.join(bundleDir, 'index.mjs.map'))).toBe(true);
      expect(bundle.trimEnd().endsWith('//# sourceMappingURL=index.mjs.map')).toBe(true);
      // Minified: long lines (a few newlines survive inside template literals and legal comments).
      expect(bundle.length / bundle.split('\n').length).toBeGreaterThan(1000);
    }

    // The bundle loads as an ES module on Node and exports the handler.
    const health = functions.find((fn) => String(fn.Properties.Description).endsWith('platform/handlers/health'));
    const module = await import(pathToFileURL(path.join(outdir, health.Metadata['aws:asset:path'], 'index.mjs')).href);
    expect(typeof module.handler).toBe('function');
  });
});
