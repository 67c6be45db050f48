import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { BindingTargets } from '../lib/spec/environment';
import { pascalCase } from '../lib/spec/naming';
import type { TableName } from '../lib/spec/tables';

/** What the sandbox calls itself where a deployed stage is `Shop-<stage>`. */
export const SANDBOX_STACK_NAME = 'Shop-sandbox';

/** The file, in DATA_DIR, that holds the sandbox's outputs. */
export const OUTPUTS_FILE = 'outputs.json';

/**
 * What only the sandbox offers, for tests to ask before they use it (GET /_aws/capabilities). LocalStack serves
 * /_aws/ses too; nothing else here exists on LocalStack or in AWS.
 */
export const CAPABILITIES = {
  /** GET/DELETE /_aws/ses: the captured mail, in LocalStack's shape. */
  mail: true,
  /** GET /mail: the captured mail as a page. */
  mailPage: true,
  /** GET /_aws/stats: AWS calls, event deliveries (pending, retried), workflows and functions counted. */
  stats: true,
  /** GET/DELETE /_aws/events/dead-letters: the events whose delivery gave up. */
  deadLetters: true,
  /** POST/GET/DELETE /_aws/faults: functions and the bus failing on request. */
  faults: true,
  /** The web build (storefront, /api/docs) at the API's own origin. */
  webApp: true,
  /** A test may start sandboxes of its own from this repository (Java and the repo are on this machine). */
  process: true,
} as const;

export type Capability = keyof typeof CAPABILITIES | 'forwardedFor' | 'fastSchedules';

/**
 * The capabilities of this sandbox: also `forwardedFor` when its gateway takes the client IP from X-Forwarded-For
 * (SANDBOX_TRUST_FORWARDED_FOR=1), which API Gateway never lets a caller choose, and `fastSchedules` when its
 * scheduled rules (outbox sweepers, the reconciler) run every few seconds (SANDBOX_SCHEDULE_SECONDS).
 */
export const sandboxCapabilities = (options: { trustForwardedFor: boolean; fastSchedules: boolean }): Capability[] => [
  ...(Object.keys(CAPABILITIES) as Capability[]),
  ...(options.trustForwardedFor ? (['forwardedFor'] as const) : []),
  ...(options.fastSchedules ? (['fastSchedules'] as const) : []),
];

/**
 * The sandbox's resources under the names `cdk deploy --outputs-file` gives a deployed stage's (lib/app.ts), so
 * that a client (the end-to-end suite) finds them the same way on either.
 */
export const sandboxOutputs = (
  url: string,
  targets: BindingTargets,
  stateMachineArns: Record<string, string>,
): Record<string, Record<string, string>> => ({
  [SANDBOX_STACK_NAME]: {
    ApiUrl: `${url}/`,
    StorefrontUrl: `${url}/`,
    EventBusName: targets.eventBusName,
    SigningKeySecretArn: targets.signingKeySecretArn,
    AdminEmail: targets.adminEmail,
    ...Object.fromEntries(
      Object.entries(targets.tables).map(([name, table]) => [`${pascalCase(name as TableName)}TableName`, table]),
    ),
    ...Object.fromEntries(Object.entries(stateMachineArns).map(([name, arn]) => [`${name}StateMachineArn`, arn])),
  },
});

/** Writes the outputs into DATA_DIR; returns the file's path. */
export const writeOutputs = (dataDir: string, outputs: unknown): string => {
  const file = path.join(dataDir, OUTPUTS_FILE);
  writeFileSync(file, `${JSON.stringify(outputs, null, 2)}\n`);
  return file;
};
