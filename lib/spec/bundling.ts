/**
 * How a function's bundle is built, for CDK (NodejsFunction), the sandbox, the cold-start benchmark and the bundle
 * budget test alike: ESM output keeps top-level await and tree-shaking; minified, with the names of classes and
 * functions kept (state machines Retry and Catch on error names); a linked source map without the sources.
 */

/** CommonJS dependencies bundled into an ESM file still call `require` for Node built-ins, which ESM lacks. */
const REQUIRE_SHIM =
  "import { createRequire as topLevelCreateRequire } from 'node:module'; const require = topLevelCreateRequire(import.meta.url);";

/**
 * Readable stack traces without Node's --enable-source-maps, which parses a bundle's whole source map while the
 * module loads (about 13 ms of create-order's import, a quarter of what the DynamoDB client itself costs): the
 * first stack trace formatted reads the map of each bundle file its frames are in (`<file>.map`), and every
 * frame of those files names the source, line and column it came from (`functions/orders/service.ts:120:11`).
 * Nothing is read while no error's stack is looked at. Installed once per process; not at all when Node's own
 * source map support is on.
 */
const LAZY_SOURCE_MAPS = [
  "import { readFileSync as __shopReadMap } from 'node:fs';",
  "import { SourceMap as __ShopSourceMap } from 'node:module';",
  "import { fileURLToPath as __shopFilePath } from 'node:url';",
  'if (!globalThis.__shopSourceMaps && !process.sourceMapsEnabled) {',
  'globalThis.__shopSourceMaps = true;',
  'const maps = new Map();',
  'const mapOf = (file) => {',
  'if (!maps.has(file)) {',
  'let map = null;',
  "try { map = new __ShopSourceMap(JSON.parse(__shopReadMap((file.startsWith('file:') ? __shopFilePath(file) : file) + '.map', 'utf8'))); } catch {}",
  'maps.set(file, map);',
  '}',
  'return maps.get(file);',
  '};',
  "const sourceOf = (path) => path.replace(/^(\\.\\.?\\/)+/, '').replace(/^.*?\\/node_modules\\//, 'node_modules/');",
  'Error.prepareStackTrace = (error, sites) => {',
  'let head;',
  "try { head = Error.prototype.toString.call(error); } catch { head = 'Error'; }",
  'return [head, ...sites.map((site) => {',
  "const frame = '    at ' + site;",
  'const file = site.getFileName(); const line = site.getLineNumber(); const column = site.getColumnNumber();',
  'if (!file || !line || !column || !/\\.m?js$/.test(file)) return frame;',
  'const entry = mapOf(file)?.findEntry(line - 1, column - 1);',
  'if (!entry || !entry.originalSource) return frame;',
  "return frame.replace(file + ':' + line + ':' + column, sourceOf(entry.originalSource) + ':' + (entry.originalLine + 1) + ':' + (entry.originalColumn + 1));",
  "})].join('\\n');",
  '};',
  '}',
].join(' ');

/** Prepended to every bundle (and every chunk of the sandbox's shared build). */
export const FUNCTION_BANNER = `${REQUIRE_SHIM} ${LAZY_SOURCE_MAPS}`;

/** Package entry fields esbuild prefers: the ESM build where a package has one. */
export const BUNDLE_MAIN_FIELDS = ['module', 'main'];

/** The Node.js version the functions run on in AWS (lib/constructs/service-function.ts: nodejs22.x). */
export const LAMBDA_NODE_TARGET = 'node22';

/**
 * esbuild's options for a function's bundle, as NodejsFunction passes them with ServiceFunction's settings (format,
 * main fields, banner, minify, keepNames, sourceMap without sourcesContent): the sandbox, the cold-start benchmark
 * and the bundle budget test build with these.
 */
export const functionBuildOptions = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: LAMBDA_NODE_TARGET,
  mainFields: BUNDLE_MAIN_FIELDS,
  banner: { js: FUNCTION_BANNER },
  minify: true,
  keepNames: true,
  sourcemap: 'linked',
  sourcesContent: false,
} as const;
