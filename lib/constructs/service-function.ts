import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { LogLevel, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { Stage } from '../app-config';
import { DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT_SECONDS, type FunctionSpec } from '../spec/bindings';
import { BUNDLE_MAIN_FIELDS, FUNCTION_BANNER } from '../spec/bundling';
import { baseEnvironment } from '../spec/environment';
import type { TRIGGERS } from './naming';

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

type Trigger = (typeof TRIGGERS)[number];

/** Why a function of each trigger has no dead-letter queue of its own (cdk-nag Serverless-LambdaDLQ). */
const NO_DLQ_BECAUSE: Record<Trigger, string> = {
  http: "Invoked synchronously by API Gateway (a route or the authorizer): a failure is the caller's answer, there is no asynchronous event to keep.",
  saga: 'Invoked synchronously by the checkout state machine, whose Retry and Catch handle a failure (compensation).',
  events:
    "Invoked asynchronously by its EventBridge rule: a failed event goes to the rule's dead-letter queue through the function's on-failure destination (lib/constructs/bounded-context.ts), and that queue is alarmed.",
  deploy:
    'Invoked synchronously by the custom-resource provider during a deploy: a failure fails the deploy, which reports it.',
};

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
    // Its own role, allowed to write its own log group: not AWSLambdaBasicExecutionRole, which may create and
    // write any log group of the account. Bindings add the rest (lib/constructs/bind.ts).
    const role = new iam.Role(scope, `${id}Role`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `${service}: ${spec.handler}`,
    });
    logGroup.grantWrite(role);
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
      role,
      description: `${service}: ${spec.handler}`,
      environment: baseEnvironment(service),
      bundling: {
        format: OutputFormat.ESM,
        mainFields: BUNDLE_MAIN_FIELDS,
        banner: FUNCTION_BANNER,
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

    const trigger = spec.handler.split('/')[2] as Trigger;
    Validations.of(this).acknowledge(
      {
        id: 'AwsSolutions-L1',
        reason:
          'Node.js 22 is the runtime the platform is built, bundled and measured on (ARCHITECTURE.md); moving to a newer one is a change of its own.',
      },
      {
        id: 'Serverless-LambdaLatestVersion',
        reason: 'Node.js 22 is the runtime the platform is built, bundled and measured on (ARCHITECTURE.md).',
      },
      { id: 'Serverless-LambdaDLQ', reason: NO_DLQ_BECAUSE[trigger] ?? NO_DLQ_BECAUSE.http },
    );
    // Tracing: X-Ray's PutTraceSegments and PutTelemetryRecords have no resource to name.
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'The only statement on * is X-Ray tracing (xray:PutTraceSegments, xray:PutTelemetryRecords), which IAM allows on * only; a test holds every other statement to named resources.',
    });
  }
}
