import type { Bindings, FunctionSpec } from '../../lib/spec/bindings';
import { ENV } from '../../lib/spec/env';
import { type BindingTargets, baseEnvironment, bindingEnvironment } from '../../lib/spec/environment';
import type { TableName } from '../../lib/spec/tables';
import { tables } from '../../lib/spec/tables';

/** The sandbox's switches (README), handed to every function when set, as a stage's settings would be. */
export const FORWARDED_SETTINGS = [
  ENV.rateLimits,
  ENV.rateLimitWindowSeconds,
  ENV.jwtIssuer,
  ENV.jwtAudience,
  ENV.searchIndex,
  'POWERTOOLS_DEV',
] as const;

export interface SandboxEnvironment {
  region: string;
  /** The sandbox's AWS endpoint: the SDK clients reach it through the standard AWS_ENDPOINT_URL_<SERVICE>. */
  endpoint: string;
  /**
   * DynamoDB Local itself, which the functions then reach directly (their calls are counted in their instances):
   * one hop less per call than through the endpoint, which still proxies DynamoDB for every other caller.
   */
  dynamodbEndpoint?: string;
  targets: BindingTargets;
  /** The sandbox's own environment, where the forwarded settings and the log level are read. */
  settings: NodeJS.ProcessEnv;
}

/**
 * What every function finds whatever its bindings: what the Lambda runtime sets (region, credentials), the
 * endpoints that lead its SDK clients to the sandbox, the log level and the sandbox's switches.
 */
export const runtimeEnvironment = ({
  region,
  endpoint,
  dynamodbEndpoint,
  settings,
}: SandboxEnvironment): Record<string, string> => {
  const forwarded = FORWARDED_SETTINGS.flatMap((name) => {
    const value = settings[name];
    return value === undefined ? [] : [[name, value] as const];
  });
  return {
    PATH: settings.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    LANG: 'en_US.UTF-8',
    [ENV.region]: region,
    AWS_DEFAULT_REGION: region,
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_DYNAMODB: dynamodbEndpoint ?? endpoint,
    AWS_ENDPOINT_URL_EVENTBRIDGE: endpoint,
    AWS_ENDPOINT_URL_SFN: endpoint,
    AWS_ENDPOINT_URL_SES: endpoint,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: endpoint,
    // Lambda runs Node 22; the SDK's notice about Node 20 is noise here.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    POWERTOOLS_LOG_LEVEL: settings.POWERTOOLS_LOG_LEVEL ?? 'WARN',
    // EMF lines (business metrics) would only crowd the console here: none unless the sandbox is started with false.
    POWERTOOLS_METRICS_DISABLED: settings.POWERTOOLS_METRICS_DISABLED ?? 'true',
    ...Object.fromEntries(forwarded),
  };
};

/** The environment of one function's instances: the runtime's, then what CDK sets for it (base and bindings). */
export const functionEnvironment = (fn: FunctionSpec, sandbox: SandboxEnvironment): Record<string, string> => ({
  ...runtimeEnvironment(sandbox),
  ...baseEnvironment(fn.handler.split('/')[0] ?? fn.handler),
  ...bindingEnvironment(fn.bindings, sandbox.targets),
});

/** Every binding there is: the sandbox's own start-up work (seeding, indexing) runs with all of them. */
export const everyBinding: Bindings = {
  tables: Object.fromEntries(Object.keys(tables).map((name) => [name, 'readwrite'])) as Record<TableName, 'readwrite'>,
  events: true,
  checkout: true,
  mail: true,
  signingKey: true,
  search: 'readwrite',
};
