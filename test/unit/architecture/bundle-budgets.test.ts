import path from 'node:path';
import { build, type Metafile } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { bundleBudgetsKb } from '../../../lib/spec/bundle-budgets';
import { functionBuildOptions } from '../../../lib/spec/bundling';
import { eventRules } from '../../../lib/spec/event-rules';
import { authorizer, routes } from '../../../lib/spec/routes';
import { stateMachines } from '../../../lib/spec/state-machines';

const ROOT = path.resolve(import.meta.dirname, '../../..');

const handlers = [
  ...new Set([
    ...routes.map((route) => route.handler),
    authorizer.handler,
    ...eventRules.map((rule) => rule.target.handler),
    ...stateMachines.flatMap((machine) => Object.values(machine.tasks).map((task) => task.handler)),
  ]),
].sort();

/** What weighs most in a bundle, by package (or source file of ours), for the failure message. */
const heaviest = (output: Metafile['outputs'][string]) => {
  const parts = new Map<string, number>();
  for (const [file, { bytesInOutput }] of Object.entries(output.inputs)) {
    const name = /node_modules\/((@[^/]+\/)?[^/]+)/.exec(file)?.[1] ?? file;
    parts.set(name, (parts.get(name) ?? 0) + bytesInOutput);
  }
  return [...parts]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 8)
    .map(([name, bytes]) => `${name} ${(bytes / 1024).toFixed(0)} KB`)
    .join(', ');
};

describe('function bundles', () => {
  it('stay within their KB budgets (lib/spec/bundle-budgets.ts), every function having one', async () => {
    // Every function at once, as CDK builds each (one esbuild run, nothing written).
    const { metafile } = await build({
      ...functionBuildOptions,
      entryPoints: Object.fromEntries(
        handlers.map((handler) => [handler, path.join(ROOT, 'functions', `${handler}.ts`)]),
      ),
      absWorkingDir: ROOT,
      outdir: path.join(ROOT, '.bundle-budgets'),
      outExtension: { '.js': '.mjs' },
      write: false,
      metafile: true,
      logLevel: 'error',
    });
    const sizes = new Map<string, Metafile['outputs'][string]>();
    for (const [file, output] of Object.entries(metafile.outputs)) {
      if (file.endsWith('.mjs')) sizes.set(file.replace(/^\.bundle-budgets\//, '').replace(/\.mjs$/, ''), output);
    }
    expect([...sizes.keys()].sort()).toEqual(handlers);

    const problems = handlers.flatMap((handler) => {
      const output = sizes.get(handler);
      const budget = bundleBudgetsKb[handler];
      if (!output) return [];
      if (budget === undefined) return [`${handler}: no budget (it weighs ${(output.bytes / 1024).toFixed(0)} KB)`];
      const kb = output.bytes / 1024;
      return kb > budget ? [`${handler}: ${kb.toFixed(0)} KB, budget ${budget} KB; heaviest: ${heaviest(output)}`] : [];
    });
    expect(problems).toEqual([]);
  }, 180_000);
});
