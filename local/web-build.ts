import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

/** What the web app's build reads: its own sources (the API reference page's too) and the API's shared schemas and types. */
const INPUTS = [
  'web/index.html',
  'web/api',
  'web/vite.config.ts',
  'web/src',
  'web/public',
  'functions',
  'package-lock.json',
];
const STAMP = '.build-stamp';

const filesUnder = (file: string): string[] => {
  if (!existsSync(file)) return [];
  if (!statSync(file).isDirectory()) return [file];
  return readdirSync(file)
    .sort()
    .flatMap((name) => filesUnder(path.join(file, name)));
};

/** A hash of every input file's path and content: the build is stale when it differs from the stamp. */
export const sourceHash = (root: string): string => {
  const hash = createHash('sha256');
  for (const file of INPUTS.flatMap((input) => filesUnder(path.join(root, input)))) {
    hash.update(path.relative(root, file));
    hash.update(readFileSync(file));
  }
  return hash.digest('hex');
};

export type WebBuildOutcome = { built: false } | { built: true; reason: 'missing' | 'stale'; seconds: number };

/**
 * Builds web/dist with Vite when it is missing or older than its sources, into a fresh folder that then
 * replaces the old one, so a server never serves a half-written build.
 */
export const ensureWebBuild = async (root: string): Promise<WebBuildOutcome> => {
  const dist = path.join(root, 'web', 'dist');
  const stampFile = path.join(dist, STAMP);
  const hash = sourceHash(root);
  const current = existsSync(stampFile) ? readFileSync(stampFile, 'utf8') : undefined;
  if (current === hash && existsSync(path.join(dist, 'index.html'))) return { built: false };

  const started = performance.now();
  const outDir = path.join(root, 'web', `.dist-${process.pid}-${Date.now()}`);
  const { build } = await import('vite');
  try {
    await build({ configFile: path.join(root, 'web', 'vite.config.ts'), logLevel: 'warn', build: { outDir } });
    writeFileSync(path.join(outDir, STAMP), hash);
    rmSync(dist, { recursive: true, force: true });
    renameSync(outDir, dist);
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
  return {
    built: true,
    reason: current === undefined ? 'missing' : 'stale',
    seconds: (performance.now() - started) / 1000,
  };
};
