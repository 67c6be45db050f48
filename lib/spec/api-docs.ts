/**
 * The API reference page: a page of the web build (web/api/docs/index.html) that the shop's origin serves under the
 * API's prefix, beside the description it shows (GET /api/v1/openapi.json). The sandbox (local/server.ts) and
 * CloudFront (lib/constructs/storefront.ts) both send these paths to the built files instead of the API.
 */
export const API_DOCS_PATH = '/api/docs';

/** The page's file in the build. */
export const API_DOCS_FILE = '/api/docs/index.html';

/** The build file a request path of the page names, or undefined for any other path. */
export const apiDocsFile = (path: string): string | undefined =>
  path === API_DOCS_PATH || path === `${API_DOCS_PATH}/` || path === API_DOCS_FILE ? API_DOCS_FILE : undefined;
