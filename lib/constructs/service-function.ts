import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { LogLevel, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { Stage } from '../app-config';
import { DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT_SECONDS, type FunctionSpec } from '../spec/bindings';
import { BUNDLE_MAIN_FIELDS, ESM_REQUIRE_BANNER } from '../spec/bundling';
import { baseEnvironment } from '../spec/environment';

/** The repository root: entries are `functions/<handler>.ts` below it, and esbuild runs from it. */
export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface ServiceFunctionProps {
  spec: FunctionSpec;
  /** The bounded context (`catalog`, `orders`, ...): the Powertools service name. */
  service: string;
  stage: Stage;
}

/** Log retention per stage: short in dev, long enough for an incident review in prod. */
const retention = (stage: Stage) => (stage === 'prod' ? logs.RetentionDays.THREE_MONTHS : logs.RetentionDays.ONE_WEEK);

/** A Lambda function built from `functions/<handler>.ts` with the platform's defaults. */
export class ServiceFunction extends NodejsFunction {
  readonly spec: FunctionSpec;
  readonly service: string;

  constructor(scope: Construct, id: string, props: ServiceFunctionProps) {
    const { spec, service, stage } = props;
    // A log group owned by the stack (retention and removal included), instead of the deprecated
    // logRetention custom resource or the group Lambda would create on first invocation.
    const logGroup = new logs.LogGroup(scope, `${id}Logs`, {
      retention: retention(stage),
      removalPolicy: stage === 'prod' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    super(scope, id, {
      entry: `${PROJECT_ROOT}functions/${spec.handler}.ts`,
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: `${PROJECT_ROOT}package-lock.json`,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: spec.memory ?? DEFAULT_MEMORY_MB,
      timeout: Duration.seconds(spec.timeout ?? DEFAULT_TIMEOUT_SECONDS),
      tracing: lambda.Tracing.ACTIVE,
      logGroup,
      description: `${service}: ${spec.handler}`,
      environment: baseEnvironment(service),
      bundling: {
        format: OutputFormat.ESM,
        mainFields: BUNDLE_MAIN_FIELDS,
        banner: ESM_REQUIRE_BANNER,
        minify: true,
        // Domain errors are named after their classes and state machines Retry/Catch on those names.
        keepNames: true,
        sourceMap: true,
        // Stack traces need the mappings only; leaving the sources out keeps the zip small.
        sourcesContent: false,
        // The SDK pinned by package-lock.json, tree-shaken and minified with the rest (the cold-start
        // budget was measured on such bundles), rather than whichever version the runtime ships.
        bundleAwsSDK: true,
        logLevel: LogLevel.WARNING,
      },
    });
    this.spec = spec;
    this.service = service;
  }
}
