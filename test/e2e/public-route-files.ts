/**
 * The end-to-end test files that call public routes only (no sign-in), so that they also run where the routes
 * behind the authorizer are not deployed (the `authorizer` capability, test/e2e/setup.ts). A unit test checks that
 * none of them signs in.
 */
export const PUBLIC_ROUTE_FILES: readonly string[] = ['catalog.test.ts', 'gateway.test.ts'];
