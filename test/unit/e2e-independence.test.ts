import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tables } from '../../lib/spec/tables';
import { PUBLIC_ROUTE_FILES } from '../e2e/public-route-files';

/**
 * The end-to-end suite runs against the sandbox, LocalStack and a deployed stage alike: it knows its target only by
 * API_URL, the stack's outputs and the AWS endpoint (test/e2e/target.ts). Nothing in it may name the sandbox's
 * resources or reach into the sandbox's code or data.
 */
const E2E_DIR = path.resolve(import.meta.dirname, '../e2e');

const sources = (readdirSync(E2E_DIR, { recursive: true, encoding: 'utf8' }) as string[])
  .filter((file) => file.endsWith('.ts'))
  .map((file) => ({ file: `test/e2e/${file}`, text: readFileSync(path.join(E2E_DIR, file), 'utf8') }));

const forbidden: [what: string, pattern: RegExp][] = [
  // The sandbox's physical names: a stage's come from its outputs.
  ['a sandbox table name', new RegExp(`['"\`]shop-(${Object.keys(tables).join('|')})['"\`]`)],
  ['the sandbox bus name', /['"`]shop-events['"`]/],
  ['the sandbox secret name', /shop\/jwt-signing-key/],
  ['a state machine or execution ARN', /arn:aws:states:[^'"`]*:(stateMachine|execution):/],
  // Values the global setup handed over beside the outputs (the sandbox's DATA_DIR, its endpoint).
  ["vitest's inject()", /\binject\(/],
  ["vitest's provide()", /\.provide\(/],
  // The sandbox's own code: a test may reach it only through its HTTP and AWS endpoints.
  ['an import of local/', /(from\s+|import\()\s*['"](\.\.\/)+local\//],
];

describe('the end-to-end suite', () => {
  it('has sources to check', () => {
    expect(sources.map((source) => source.file)).toContain('test/e2e/target.ts');
  });

  it.each(forbidden)('names no %s', (_, pattern) => {
    const found = sources.flatMap(({ file, text }) =>
      text
        .split('\n')
        .map((line, i) => ({ line, at: `${file}:${i + 1}` }))
        // The sessions' JWT issuer is also called shop-platform.
        .filter(({ line }) => pattern.test(line.replace(/setIssuer\([^)]*\)/, '')))
        .map(({ line, at }) => `${at}: ${line.trim()}`),
    );
    expect(found).toEqual([]);
  });

  it.each(PUBLIC_ROUTE_FILES)('runs %s where only the public routes exist: it signs nobody in', (file) => {
    const text = readFileSync(path.join(E2E_DIR, file), 'utf8');
    expect(text).not.toMatch(/\b(token|register|signUp|login|loginAdmin|admin\(\)|createCustomers)\b/);
  });
});
