import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The layers point one way: lib/spec (routes, tables, rules, state machines, bindings, environment names,
 * sample data) imports nothing outside itself; functions/ reads the spec but never CDK code or the sandbox;
 * CDK code (the rest of lib/) never imports functions/ or local/; the sandbox and the web app read the spec,
 * never CDK code.
 */
const ROOT = path.resolve(import.meta.dirname, '../../..');

const sourceFiles = (dir: string): string[] =>
  readdirSync(path.join(ROOT, dir)).flatMap((name) => {
    const relative = path.join(dir, name);
    if (name === 'node_modules' || name === 'dist') return [];
    if (statSync(path.join(ROOT, relative)).isDirectory()) return sourceFiles(relative);
    return /\.tsx?$/.test(name) ? [relative] : [];
  });

const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

/** Every module a file imports: a repository path for a relative import, else the package name. */
const importsOf = (file: string): string[] => {
  const text = readFileSync(path.join(ROOT, file), 'utf8');
  return [...text.matchAll(IMPORT)].map((match) => {
    const specifier = (match[1] ?? match[2]) as string;
    return specifier.startsWith('.') ? path.normalize(path.join(path.dirname(file), specifier)) : specifier;
  });
};

const isUnder = (target: string, dir: string) => target === dir || target.startsWith(`${dir}/`);
const isCdkCode = (target: string) => isUnder(target, 'lib') && !isUnder(target, 'lib/spec');
const CDK_PACKAGES = /^(aws-cdk-lib|aws-cdk|constructs|cdk-nag)(\/|$)/;

const violations = (dirs: string[], forbidden: (target: string, file: string) => boolean) =>
  dirs.flatMap(sourceFiles).flatMap((file) =>
    importsOf(file)
      .filter((target) => forbidden(target, file))
      .map((target) => `${file} -> ${target}`),
  );

describe('layers', () => {
  it('finds the imports it checks (the scanner works)', () => {
    expect(importsOf('lib/stateless-stack.ts')).toContain('lib/spec/routes');
    expect(importsOf('local/sandbox.ts')).toContain('functions/catalog/seed');
    expect(sourceFiles('lib/spec').length).toBeGreaterThan(5);
  });

  it('the spec imports nothing outside itself, not even a package', () => {
    expect(violations(['lib/spec'], (target) => !isUnder(target, 'lib/spec'))).toEqual([]);
  });

  it('functions import neither CDK code nor the sandbox', () => {
    expect(
      violations(['functions'], (target) => isCdkCode(target) || isUnder(target, 'local') || CDK_PACKAGES.test(target)),
    ).toEqual([]);
  });

  it('CDK code imports neither the functions nor the sandbox', () => {
    expect(
      violations(
        ['lib'],
        (target, file) => !isUnder(file, 'lib/spec') && (isUnder(target, 'functions') || isUnder(target, 'local')),
      ),
    ).toEqual([]);
  });

  it('the sandbox and the web app do not import CDK code', () => {
    expect(violations(['local', 'web/src'], (target) => isCdkCode(target) || CDK_PACKAGES.test(target))).toEqual([]);
  });

  it('the web app imports neither the sandbox nor an AWS SDK client', () => {
    expect(violations(['web/src'], (target) => isUnder(target, 'local') || target.startsWith('@aws-sdk/'))).toEqual([]);
  });
});
