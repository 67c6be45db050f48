/**
 * The `localstack` target (`-c target=localstack`): the dev stage as LocalStack can run it. Each adaptation is a
 * change of the template only (the functions' code is the same) for something the LocalStack edition in use does
 * not emulate. This list is the one place they are named and explained: lib/app.ts and the stacks apply them by
 * name, the README lists them, and test/cdk/localstack-target.test.ts holds the templates' differences from the
 * dev stage's to exactly the `differences` declared here.
 *
 * "No provider in the community edition" below means: no CloudFormation resource provider for the type in
 * localstack/localstack 4.14 (the last community release; `services/<service>/resource_providers/`). LocalStack
 * then "deploys" such a resource as a placeholder with a warning (CFN_IGNORE_UNSUPPORTED_RESOURCE_TYPES, announced
 * to become an error), so nothing would exist behind it: the target leaves it out instead.
 */

/**
 * `community`: localstack/localstack up to 4.14 (no auth token); `pro`: localstack/localstack-pro, or the unified
 * localstack/localstack image since March 2026, both started with LOCALSTACK_AUTH_TOKEN. `/_localstack/health`
 * tells which one runs (`edition`).
 */
export const LOCALSTACK_EDITIONS = ['community', 'pro'] as const;
export type LocalStackEdition = (typeof LOCALSTACK_EDITIONS)[number];

/** Lambda's names of the instruction sets. */
export const LAMBDA_ARCHITECTURES = ['x86_64', 'arm64'] as const;
export type LambdaArchitecture = (typeof LAMBDA_ARCHITECTURES)[number];

/** What the LocalStack in use is: context `localstackEdition` (default pro) and `localstackArchitecture` (default x86_64). */
export interface LocalStackOptions {
  edition: LocalStackEdition;
  /** The Docker host's architecture, which LocalStack's Lambda containers run on. */
  architecture: LambdaArchitecture;
}

export const DEFAULT_LOCALSTACK_OPTIONS: LocalStackOptions = { edition: 'pro', architecture: 'x86_64' };

export interface Adaptation {
  name: string;
  /** Why LocalStack needs it, and what is lost on that target. */
  why: string;
  /** The change, in a sentence. */
  change: string;
  appliesTo: (options: LocalStackOptions) => boolean;
  /**
   * How the templates differ from the dev stage's because of it (test/cdk/localstack-target.test.ts computes them):
   * `removed <Type>`, `added <Type>`, `changed <Type> <property path>` (array items as `*`), `removed output <Name>`,
   * `added output <Name>`, `removed parameter`, `added parameter`, `removed template <nested stack>`.
   */
  differences: readonly string[];
}

const always = () => true;
const community = (options: LocalStackOptions) => options.edition === 'community';

export const localStackAdaptations = [
  {
    name: 'sender-verified-by-api',
    why: "The community edition's AWS::SES::EmailIdentity provider is a scaffold whose create fails (NotImplementedError). LocalStack's SES sends only from a verified address, so npm run test:localstack verifies the sender with the SES API (VerifyEmailIdentity) before the tests, which works on every edition.",
    change:
      'No AWS::SES::EmailIdentity (nor the sesDomain one); the send grant names the identity ARN built from the sender address.',
    appliesTo: always,
    differences: [
      'removed AWS::SES::EmailIdentity',
      'changed AWS::IAM::Policy PolicyDocument.Statement.*.Resource',
      'changed AWS::CloudFormation::Stack Parameters',
      'removed output',
      'removed parameter',
    ],
  },
  {
    name: 'functions-on-host-architecture',
    why: "LocalStack runs each function in a Docker container of the function's architecture: ARM64 functions on an x86_64 host would run under QEMU emulation (slow, when the host has it at all).",
    change: 'Every function gets the Docker host’s architecture (context localstackArchitecture, default x86_64).',
    appliesTo: (options: LocalStackOptions) => options.architecture !== 'arm64',
    differences: ['changed AWS::Lambda::Function Architectures'],
  },
  {
    name: 'per-ip-limits-off',
    why: "LocalStack's API Gateway gives a function the address the request came from, and every request of a test run comes from one: the per-IP limits (20 sign-ups or sign-ins per 15 minutes) would refuse the suite after its first tests, and nothing lets a test present another address. The per-IP limits are tested on the sandbox (its forwardedFor capability); the per-account lockout stays on.",
    change: 'The rate-limited functions get RATE_LIMITS=off, which switches off the per-IP limits only.',
    appliesTo: always,
    differences: ['changed AWS::Lambda::Function Environment.Variables.RATE_LIMITS'],
  },
  {
    name: 'public-routes-only',
    why: "The community edition's API Gateway never calls a Lambda authorizer (its REST invocation chain has no authorizer step; AWS::ApiGateway::Authorizer has no provider). Behind it the handlers would see no principal, and the admin routes, whose role only the authorizer checks, would be open. Left out instead: on that edition only the public routes exist.",
    change: 'No authorizer, its function, or any route that is not public.',
    appliesTo: community,
    differences: [
      'removed AWS::ApiGateway::Authorizer',
      'removed AWS::ApiGateway::Method',
      'removed AWS::ApiGateway::Resource',
      'removed AWS::Lambda::Function',
      'removed AWS::Lambda::Permission',
      'removed AWS::IAM::Role',
      'removed AWS::IAM::Policy',
      'removed AWS::Logs::LogGroup',
      'removed AWS::ApiGateway::Deployment',
      'added AWS::ApiGateway::Deployment',
      'changed AWS::ApiGateway::Stage DeploymentId',
      'changed AWS::ApiGateway::Stage MethodSettings',
      'changed AWS::ApiGateway::Method Integration.IntegrationResponses.*.ResponseParameters.method.response.header.Allow',
      'changed AWS::ApiGateway::Method Integration.IntegrationResponses.*.ResponseTemplates.application/json',
      'removed AWS::CloudWatch::Alarm',
      'added AWS::CloudWatch::Alarm',
      'changed AWS::CloudWatch::Alarm AlarmDescription',
      'changed AWS::CloudWatch::Alarm Metrics',
      'changed AWS::CloudWatch::Alarm Metrics.*.Expression',
      'changed AWS::CloudWatch::Alarm Metrics.*.MetricStat.Metric.Dimensions.*.Value',
      'changed AWS::CloudFormation::Stack Parameters',
      'removed output',
      'removed parameter',
    ],
  },
  {
    name: 'no-storefront',
    why: 'CloudFront is not in the community edition (no provider for AWS::CloudFront::*), nor are Lambda layers, which the web app upload (BucketDeployment, the AWS CLI in a layer) runs on.',
    change:
      'No Web nested stack (bucket, distribution, upload) and no StorefrontUrl output; the API is reached at ApiUrl.',
    appliesTo: community,
    differences: ['removed template Web', 'removed AWS::CloudFormation::Stack', 'removed output StorefrontUrl'],
  },
  {
    name: 'no-web-acl',
    why: 'WAFv2 is not in the community edition (no provider for AWS::WAFv2::WebACL or WebACLAssociation).',
    change: "No web ACL on the API stage: the edge's per-IP rate limit is absent; the per-route limits stay.",
    appliesTo: community,
    differences: ['removed AWS::WAFv2::WebACL', 'removed AWS::WAFv2::WebACLAssociation'],
  },
  {
    name: 'no-dashboard',
    why: 'The community edition has no provider for AWS::CloudWatch::Dashboard (alarms it has).',
    change: 'No operations dashboard; the alarms stay.',
    appliesTo: community,
    differences: ['removed AWS::CloudWatch::Dashboard', 'removed output'],
  },
  {
    name: 'no-bus-archive',
    why: 'The community edition has no provider for AWS::Events::Archive.',
    change: 'No archive of the bus (no replay of past events).',
    appliesTo: community,
    differences: ['removed AWS::Events::Archive'],
  },
  {
    name: 'no-mail-configuration-set',
    why: 'The community edition has no provider for AWS::SES::ConfigurationSet or its event destination, and its SES reports no bounce or complaint.',
    change:
      'No SES configuration set: mail goes out without one; the feedback topic and the suppression list stay (nothing feeds them).',
    appliesTo: community,
    differences: [
      'removed AWS::SES::ConfigurationSet',
      'removed AWS::SES::ConfigurationSetEventDestination',
      'changed AWS::IAM::Policy PolicyDocument.Statement.*.Resource',
      'changed AWS::SNS::TopicPolicy PolicyDocument.Statement',
      'changed AWS::CloudFormation::Stack Parameters',
      'removed output',
      'removed parameter',
    ],
  },
] as const satisfies readonly Adaptation[];

/** The target's own difference, whatever its adaptations: the root's output that names them (for the tests run on it). */
export const LOCALSTACK_OUTPUT = 'LocalStackAdaptations';
export const targetDifferences: readonly string[] = [`added output ${LOCALSTACK_OUTPUT}`];

export type AdaptationName = (typeof localStackAdaptations)[number]['name'];

/** The adaptations of a LocalStack, in the list's order. */
export const adaptationsFor = (options: LocalStackOptions): (Adaptation & { name: AdaptationName })[] =>
  localStackAdaptations.filter((adaptation) => adaptation.appliesTo(options));
