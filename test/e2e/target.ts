import { readFileSync } from 'node:fs';
import { describe, it, type TestFunction } from 'vitest';
import { ENV } from '../../lib/spec/env';
import { pascalCase } from '../../lib/spec/naming';
import { checkout } from '../../lib/spec/state-machines';
import { type TableName, tables } from '../../lib/spec/tables';

/**
 * Where the suite runs, learnt the way a user of a deployed stage knows it and no other:
 * - `API_URL`: the API's base URL (default: the outputs' ApiUrl);
 * - `STACK_OUTPUTS`: the file `cdk deploy --outputs-file` wrote, `{ "<StackName>": { "ApiUrl", "EventBusName",
 *   "SigningKeySecretArn", "<Table>TableName", "<Machine>StateMachineArn", ... } }` (`E2E_STACK` picks a stack
 *   when it holds several); a sandbox serves the same at /_aws/outputs, used when the variable is unset;
 * - `E2E_TARGET`: sandbox, localstack or aws; by default sandbox when the AWS endpoint answers the sandbox's
 *   /_aws/capabilities, else aws;
 * - the standard AWS variables: `AWS_ENDPOINT_URL` (the sandbox's or LocalStack's endpoint), `AWS_REGION`,
 *   credentials (test ones by default where an endpoint is set);
 * - `E2E_CAPABILITIES`: a comma-separated list that restricts the capabilities the target advertises (to see
 *   which tests run where: `E2E_CAPABILITIES=mail` is LocalStack's set, `E2E_CAPABILITIES=` AWS's).
 */

export type TargetName = 'sandbox' | 'localstack' | 'aws';

/**
 * What only some targets offer; a test that needs one declares it (`describe.runIf(has('faults'))`, or
 * `requires(ctx, 'faults')` in a test) and is skipped, with the capability's name, elsewhere.
 * - `mail`: the sent mail at `/_aws/ses` on the AWS endpoint (the sandbox and LocalStack);
 * - `mailPage`: the captured mail as a page (`/mail`), `stats`: `/_aws/stats` (event deliveries pending, calls and
 *   functions counted), `deadLetters`: `/_aws/events/dead-letters`, `faults`: `/_aws/faults`, `webApp`: the web
 *   build at the API's origin, `process`: the suite may start sandboxes of its own from this repository (the
 *   sandbox only);
 * - `forwardedFor`: the gateway takes the client IP from X-Forwarded-For (a sandbox started with
 *   SANDBOX_TRUST_FORWARDED_FOR=1), so that a test can be many clients; API Gateway never lets a caller choose;
 * - `fastSchedules`: scheduled rules (outbox sweepers, the reconciler) run every few seconds, not at their rates
 *   (a sandbox started with SANDBOX_SCHEDULE_SECONDS);
 * - `authorizer`: the routes behind the Lambda authorizer exist (everywhere but a LocalStack community edition);
 *   a test file that calls none of them is listed in public-route-files.ts, the others are skipped without it
 *   (test/e2e/setup.ts). E2E_CAPABILITIES does not narrow it.
 */
export type Capability =
  | 'mail'
  | 'mailPage'
  | 'stats'
  | 'deadLetters'
  | 'faults'
  | 'webApp'
  | 'process'
  | 'forwardedFor'
  | 'fastSchedules'
  | 'authorizer';

const TARGETS: TargetName[] = ['sandbox', 'localstack', 'aws'];
const LOCALSTACK_CAPABILITIES: Capability[] = ['mail'];

const env = process.env;
const awsEndpoint = env.AWS_ENDPOINT_URL?.replace(/\/$/, '') || undefined;

const fetchJson = async (url: string): Promise<unknown> => {
  try {
    const reply = await fetch(url, { signal: AbortSignal.timeout(5000) });
    return reply.ok ? await reply.json() : undefined;
  } catch {
    return undefined;
  }
};

/** What the AWS endpoint says it offers when it is a sandbox; undefined when it is anything else. */
const sandboxCapabilities = awsEndpoint
  ? ((await fetchJson(`${awsEndpoint}/_aws/capabilities`)) as { capabilities?: Capability[] } | undefined)?.capabilities
  : undefined;

const targetName = ((): TargetName => {
  const named = env.E2E_TARGET;
  if (!named) return sandboxCapabilities ? 'sandbox' : 'aws';
  if (!TARGETS.includes(named as TargetName)) {
    throw new Error(`E2E_TARGET must be one of ${TARGETS.join(', ')} (got "${named}")`);
  }
  if (named === 'sandbox' && !sandboxCapabilities) {
    throw new Error(`E2E_TARGET=sandbox, but AWS_ENDPOINT_URL (${awsEndpoint}) does not answer /_aws/capabilities`);
  }
  return named as TargetName;
})();

const advertised: Capability[] =
  targetName === 'sandbox' ? (sandboxCapabilities ?? []) : targetName === 'localstack' ? LOCALSTACK_CAPABILITIES : [];
const restriction = env.E2E_CAPABILITIES?.split(',')
  .map((name) => name.trim())
  .filter(Boolean);
const restricted = (names: Capability[]) => (restriction ? names.filter((name) => restriction.includes(name)) : names);

const readOutputs = async (): Promise<Record<string, Record<string, string>>> => {
  if (env.STACK_OUTPUTS) return JSON.parse(readFileSync(env.STACK_OUTPUTS, 'utf8'));
  const served = targetName === 'sandbox' && (await fetchJson(`${awsEndpoint}/_aws/outputs`));
  if (served) return served as Record<string, Record<string, string>>;
  throw new Error('Set STACK_OUTPUTS to the file that `cdk deploy --outputs-file <file>` wrote for the stage');
};

const apiUrlOf = (outputs: Record<string, string>) => outputs.ApiUrl?.replace(/\/$/, '');

const [stackName, outputs] = ((all): [string, Record<string, string>] => {
  const stacks = Object.entries(all).filter(([name, values]) =>
    env.E2E_STACK ? name === env.E2E_STACK : values.ApiUrl !== undefined,
  );
  const stack =
    stacks.length === 1 ? stacks[0] : stacks.find(([, values]) => apiUrlOf(values) === env.API_URL?.replace(/\/$/, ''));
  if (!stack) {
    throw new Error(
      `Cannot tell which stack of the outputs (${Object.keys(all).join(', ')}) is under test: set E2E_STACK`,
    );
  }
  return stack;
})(await readOutputs());

/**
 * Every target has the routes behind the Lambda authorizer (`authorizer`), except a LocalStack whose edition runs
 * no authorizer, where the localstack target deploys the public routes only (its output LocalStackAdaptations names
 * `public-routes-only`).
 */
const publicRoutesOnly = (outputs.LocalStackAdaptations ?? '').split(',').includes('public-routes-only');
const capabilities = new Set<Capability>([
  ...restricted(advertised),
  ...(publicRoutesOnly ? [] : ['authorizer' as const]),
]);

const output = (key: string): string => {
  const value = outputs[key];
  if (!value) throw new Error(`The outputs of ${stackName} have no ${key}`);
  return value;
};

const apiUrl = env.API_URL?.replace(/\/$/, '') || apiUrlOf(outputs);
if (!apiUrl) throw new Error(`Set API_URL, or give ${stackName} an ApiUrl output`);

export const target = {
  name: targetName,
  /** Where the stage mails its operational alerts (its AdminEmail output; E2E_ADMIN_EMAIL overrides it). */
  adminEmail: env.E2E_ADMIN_EMAIL ?? outputs.AdminEmail ?? 'admin@ecommerce.local',
  /** The API's base URL, without a trailing slash: `${apiUrl}/api/v1/products`. */
  apiUrl,
  /** The AWS endpoint (the sandbox's or LocalStack's); undefined for AWS itself. */
  awsEndpoint,
  region: env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1',
  stackName,
  outputs: outputs as Readonly<Record<string, string>>,
  capabilities: capabilities as ReadonlySet<Capability>,
};

/** Whether the target offers the capability. */
export const has = (capability: Capability): boolean => capabilities.has(capability);

/**
 * `describe` and `it` for tests that need capabilities: `needs('faults').describe('...', () => {...})`. Where one
 * is missing they are skipped, hooks included, and their name says which.
 */
export const needs = (...wanted: Capability[]) => {
  const missing = wanted.filter((capability) => !has(capability));
  const skipped = missing.length > 0;
  const named = (name: string) => (skipped ? `${name} [needs ${missing.join(', ')}]` : name);
  return {
    describe: (name: string, body: () => void) => (skipped ? describe.skip : describe)(named(name), body),
    it: (name: string, body: TestFunction, timeout?: number) => (skipped ? it.skip : it)(named(name), body, timeout),
  };
};

/** A table's physical name (`UsersTableName` in the outputs). */
export const tableName = (name: TableName): string => output(`${pascalCase(name)}TableName`);

export const eventBusName = (): string => output('EventBusName');

export const signingKeySecretArn = (): string => output('SigningKeySecretArn');

/** A state machine's ARN (`CheckoutStateMachineArn` in the outputs). */
export const stateMachineArn = (name: string): string => output(`${name}StateMachineArn`);

/** The ARN of a machine's execution of that name. */
export const executionArn = (machine: string, name: string): string =>
  `${stateMachineArn(machine).replace(':stateMachine:', ':execution:')}:${name}`;

/** The web app's origin (the sandbox's own; the storefront's CloudFront distribution of a stage). */
export const storefrontUrl = (): string | undefined => outputs.StorefrontUrl?.replace(/\/$/, '');

/**
 * For AWS SDK clients in tests: the target's region, and its endpoint with throw-away credentials where it has one
 * (the sandbox, LocalStack); in AWS, the SDK's own credential chain.
 */
export const awsClientConfig = () => ({
  region: target.region,
  ...(awsEndpoint && {
    endpoint: awsEndpoint,
    credentials: {
      accessKeyId: env.AWS_ACCESS_KEY_ID ?? 'test',
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? 'test',
    },
  }),
});

/**
 * The environment in which the platform's own code, run in the test process (a saga task, an event consumer,
 * the users store), reaches the target's resources as a deployed function reaches its stage's: every table, the
 * bus, the signing key and the checkout machine. Set it before the modules load: their clients read it.
 */
export const functionEnvironment = (): Record<string, string> => ({
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  AWS_REGION: target.region,
  ...(awsEndpoint && {
    AWS_ENDPOINT_URL: awsEndpoint,
    AWS_ACCESS_KEY_ID: env.AWS_ACCESS_KEY_ID ?? 'test',
    AWS_SECRET_ACCESS_KEY: env.AWS_SECRET_ACCESS_KEY ?? 'test',
  }),
  ...Object.fromEntries((Object.keys(tables) as TableName[]).map((name) => [tables[name].envVar, tableName(name)])),
  [ENV.eventBusName]: eventBusName(),
  [ENV.signingKeySecretArn]: signingKeySecretArn(),
  [checkout.envVar]: stateMachineArn(checkout.name),
});
