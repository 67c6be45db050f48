/**
 * How a function's bundle is built, for CDK (NodejsFunction) and the sandbox alike: ESM output keeps top-level
 * await and tree-shaking; CommonJS dependencies bundled into it still call `require` for Node built-ins, which
 * ESM lacks, so the bundle defines one.
 */
export const ESM_REQUIRE_BANNER =
  "import { createRequire as topLevelCreateRequire } from 'node:module'; const require = topLevelCreateRequire(import.meta.url);";

/** Package entry fields esbuild prefers: the ESM build where a package has one. */
export const BUNDLE_MAIN_FIELDS = ['module', 'main'];
