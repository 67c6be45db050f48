import { type App, CfnOutput, Fn, NestedStack, Stack, Tags } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { type AppConfig, adaptationsOf, stackPrefix } from './app-config';
import { ServiceFunction } from './constructs/service-function';
import { Storefront } from './constructs/storefront';
import { ENV } from './spec/env';
import { DEFAULT_LOCALSTACK_OPTIONS, LOCALSTACK_OUTPUT } from './spec/localstack';
import { pascalCase } from './spec/naming';
import { routes as defaultRoutes } from './spec/routes';
import { tableNames } from './spec/tables';
import { StatefulStack } from './stateful-stack';
import { StatelessStack, type StatelessStackProps } from './stateless-stack';

export interface ShopStacks {
  /** `Shop-<stage>`: the one stack the CLI sees, synthesizes and deploys. */
  root: Stack;
  /** The `Data` nested stack: stateful resources. */
  data: StatefulStack;
  /** The `Api` nested stack: stateless resources, with one nested stack per bounded context. */
  api: StatelessStack;
  /**
   * The `Web` nested stack: the storefront's bucket and distribution, in front of the Api stack's stage. Typed as
   * always there: only the localstack target on its community edition leaves it out (no-storefront).
   */
  web: NestedStack;
  storefront: Storefront;
}

/** What tests may swap in for lib/spec/routes.ts, lib/spec/event-rules.ts and lib/spec/state-machines.ts. */
export type ShopTables = Pick<StatelessStackProps, 'routes' | 'eventRules' | 'stateMachines' | 'authorizer'>;

/**
 * The stage's stack `Shop-<stage>`, holding three nested stacks: `Data` (stateful), `Api` (stateless, using
 * the first) and `Web` (the web app, in front of the second). One top-level stack, so that a plain `cdk synth`
 * prints its template and `cdk deploy` needs no stack name; references between the nested stacks become their
 * outputs and parameters.
 */
export const createShopStacks = (app: App, config: AppConfig, overrides: ShopTables = {}): ShopStacks => {
  // Environment-agnostic unless the CLI resolved an account and region: synth needs no credentials or lookups.
  const env = { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION };
  // The localstack target's adaptations (lib/spec/localstack.ts), applied below and in the stacks; none on AWS.
  const adaptations = adaptationsOf(config);

  const root = new Stack(app, stackPrefix(config.stage), {
    env,
    description: `Shop ${config.stage}: root of the Data, Api and Web nested stacks`,
    terminationProtection: config.stage === 'prod',
  });
  const data = new StatefulStack(root, 'Data', {
    description: `Shop ${config.stage}: tables, event bus, signing key, sender identity, search`,
    stage: config.stage,
    sesSender: config.sesSender,
    enableOpenSearch: config.enableOpenSearch,
    sesDomain: config.sesDomain,
    adaptations,
  });
  const api = new StatelessStack(root, 'Api', {
    description: `Shop ${config.stage}: API, functions, event rules, workflows`,
    stage: config.stage,
    data,
    corsOrigins: config.corsOrigins,
    demoUsers: config.demoUsers === true && config.stage !== 'prod',
    ...overrides,
    ...(adaptations.has('public-routes-only') && {
      routes: (overrides.routes ?? defaultRoutes).filter((route) => route.auth === 'public'),
    }),
  });
  // Its own stack: the Api stack's resource budget stays for routes, and a new build changes only this template.
  const web = adaptations.has('no-storefront')
    ? undefined
    : new NestedStack(root, 'Web', {
        description: `Shop ${config.stage}: storefront and admin web app (S3, CloudFront)`,
      });
  const storefront =
    web &&
    new Storefront(web, 'Storefront', {
      stage: config.stage,
      restApi: api.api.restApi,
      // ShopApi names the API's stage after the app's.
      apiStageName: config.stage,
      webAclArn: config.storefrontWebAclArn,
    });

  // The adaptations that only take a resource away, or change a property of many.
  if (adaptations.has('no-web-acl')) {
    api.api.node.tryRemoveChild('FirewallAssociation');
    api.api.node.tryRemoveChild('Firewall');
  }
  if (adaptations.has('no-dashboard')) api.monitoring.node.tryRemoveChild('Dashboard');
  if (adaptations.has('per-ip-limits-off')) {
    for (const construct of root.node.findAll()) {
      if (construct instanceof ServiceFunction && construct.spec.bindings.platform?.rateLimits) {
        construct.addEnvironment(ENV.rateLimits, 'off');
      }
    }
  }
  if (adaptations.has('functions-on-host-architecture')) {
    const architecture = config.localstack?.architecture ?? DEFAULT_LOCALSTACK_OPTIONS.architecture;
    for (const construct of root.node.findAll()) {
      if (construct instanceof lambda.CfnFunction && construct.architectures !== undefined) {
        construct.architectures = [architecture];
      }
    }
  }

  // On the root, where `cdk deploy` prints them (it does not print nested stacks' outputs).
  new CfnOutput(root, 'ApiUrl', { value: api.url });
  if (storefront) new CfnOutput(root, 'StorefrontUrl', { value: storefront.url });
  new CfnOutput(root, 'EventBusName', { value: data.bus.eventBusName });
  new CfnOutput(root, 'SigningKeySecretArn', { value: data.signingKey.secretArn });
  new CfnOutput(root, 'AlarmTopicArn', { value: api.alarms.topicArn });
  new CfnOutput(root, 'AdminEmail', { value: api.adminEmail });
  // `UsersTableName` is how bin/create-admin.ts finds the users table of a deployed stage.
  for (const name of tableNames) {
    new CfnOutput(root, `${pascalCase(name)}TableName`, { value: data.tables[name].tableName });
  }
  if (data.search) new CfnOutput(root, 'SearchEndpoint', { value: data.search.domainEndpoint });
  // Easy DKIM of the sesDomain: three CNAME records to add to the domain's DNS (name -> value).
  if (data.domainIdentity) {
    const identity = data.domainIdentity;
    const records = [
      [identity.dkimDnsTokenName1, identity.dkimDnsTokenValue1],
      [identity.dkimDnsTokenName2, identity.dkimDnsTokenValue2],
      [identity.dkimDnsTokenName3, identity.dkimDnsTokenValue3],
    ];
    records.forEach(([name, value], i) => {
      new CfnOutput(root, `DkimRecord${i + 1}`, { value: Fn.join(' CNAME ', [name as string, value as string]) });
    });
  }
  for (const [name, workflow] of api.workflows) {
    new CfnOutput(root, `${name}StateMachineArn`, { value: workflow.stateMachine.stateMachineArn });
  }

  // On every resource of every nested stack too.
  Tags.of(root).add('project', 'shop');
  Tags.of(root).add('stage', config.stage);
  // Where the deployment is a LocalStack: what it leaves out, for the tests run against it.
  if (config.target === 'localstack') {
    new CfnOutput(root, LOCALSTACK_OUTPUT, {
      description: 'The adaptations of this template to LocalStack (lib/spec/localstack.ts)',
      value: [...adaptations].join(','),
    });
  }

  return { root, data, api, web: web as NestedStack, storefront: storefront as Storefront };
};
