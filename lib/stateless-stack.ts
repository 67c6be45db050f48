import { createHash } from 'node:crypto';
import { CustomResource, NestedStack, type NestedStackProps, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as cr from 'aws-cdk-lib/custom-resources';
import type { Construct } from 'constructs';
import { readAdminEmail, type Stage, stackPrefix } from './app-config';
import { type BindingResources, bind } from './constructs/bind';
import { BoundedContext } from './constructs/bounded-context';
import { MailFeedback } from './constructs/mail-feedback';
import { Monitoring } from './constructs/monitoring';
import { contextOf } from './constructs/naming';
import { ServiceFunction } from './constructs/service-function';
import { ShopApi } from './constructs/shop-api';
import { SuspiciousActivityAlarm } from './constructs/suspicious-activity-alarm';
import { Workflow } from './constructs/workflow';
import type { FunctionSpec } from './spec/bindings';
import { demoUsers } from './spec/demo-users';
import { ENV } from './spec/env';
import { eventRules as defaultEventRules, type EventRule } from './spec/event-rules';
import { mailFeedbackRecorder, NOTIFIER } from './spec/mail-feedback';
import { pascalCase } from './spec/naming';
import { authorizer as defaultAuthorizer, routes as defaultRoutes, type Route } from './spec/routes';
import { sampleProducts } from './spec/sample-data';
import { indexDefinition, MAPPING_PROPERTY } from './spec/search-index';
import { SUSPICIOUS_ACTIVITY } from './spec/security-alerts';
import { checkout, stateMachines as defaultStateMachines, type StateMachineSpec } from './spec/state-machines';
import { SEARCH_VOLUME_GIB, type StatefulResources } from './stateful-stack';

/** Loads the sample data in the dev stage (a CloudFormation custom resource); the demo accounts too with -c demoUsers=true. */
export const sampleDataLoader: FunctionSpec = {
  handler: 'platform/handlers/deploy/seed-sample-data',
  bindings: { tables: { catalog: 'readwrite', inventory: 'readwrite', users: 'readwrite' } },
  timeout: 120,
};

/** Creates and fills the product search index on deploy (a CloudFormation custom resource). */
export const searchIndexSetup: FunctionSpec = {
  handler: 'search/handlers/deploy/setup-index',
  bindings: { tables: { catalog: 'read' }, search: 'setup' },
  timeout: 600,
  memory: 1024,
};

/** Handlers read the allowed browser origins from it (set only when corsOrigins is). */

export interface StatelessStackProps extends NestedStackProps {
  stage: Stage;
  /** The stateful stack (or a stand-in in tests); references to it become this nested stack's parameters. */
  data: StatefulResources;
  corsOrigins?: string[];
  /** The dev stage's sample data includes the demo accounts (context demoUsers=true); never in prod. */
  demoUsers?: boolean;
  /** The tables default to lib/spec/routes.ts, lib/spec/event-rules.ts and lib/spec/state-machines.ts; tests pass their own. */
  routes?: Route[];
  eventRules?: EventRule[];
  stateMachines?: StateMachineSpec[];
  authorizer?: FunctionSpec;
}

/**
 * Functions, API, rules and workflows: everything that can be destroyed and redeployed without losing data,
 * in the stage's `Api` nested stack. The API, its authorizer and the state machines live in this stack; each
 * bounded context's functions (with their methods, rules and dead-letter queues) live in that context's
 * nested stack, one level further down.
 */
export class StatelessStack extends NestedStack {
  readonly api: ShopApi;
  /** The deployed stage's base URL (`https://.../<stage>/`). */
  readonly url: string;
  readonly contexts = new Map<string, BoundedContext>();
  readonly workflows = new Map<string, Workflow>();
  readonly authorizerFunction?: ServiceFunction;
  /** Where every alarm goes: mailed to the adminEmail context's address (it confirms the subscription once). */
  readonly alarms: sns.Topic;
  /** Where alarms and operational alerts are mailed (the adminEmail context). */
  readonly adminEmail: string;
  /** The alarms on that topic and the stage's dashboard. */
  readonly monitoring: Monitoring;

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    const { tables, bus, signingKey, mail, search } = props.data;
    // Without a search domain the stage has no search route and no indexer (GET /search is then a 404).
    const servable = (spec: FunctionSpec) => spec.bindings.search === undefined || search !== undefined;
    const routes = (props.routes ?? defaultRoutes).filter(servable);
    const rules = (props.eventRules ?? defaultEventRules).filter((rule) => servable(rule.target));
    const machines = props.stateMachines ?? defaultStateMachines;
    const corsOrigins = props.corsOrigins ?? [];
    checkUnique(routes);

    // A context that starts the checkout may also host one of its steps: an ARN reference would make the
    // machine (here) and the context (nested) depend on each other. The machine's name is fixed instead,
    // so its ARN is known without a reference. A literal built from the stage (`Shop-dev-Checkout`), not
    // from this.stackName: a nested stack's name is only known at deploy time.
    const machineName = (spec: StateMachineSpec) => `${stackPrefix(props.stage)}-${spec.name}`;
    const checkoutSpec = machines.find((spec) => spec.name === checkout.name);
    const resources: BindingResources = {
      tables,
      bus,
      signingKey,
      mail,
      ...(search && { search }),
      checkout: checkoutSpec && sfn.StateMachine.fromStateMachineName(this, 'CheckoutRef', machineName(checkoutSpec)),
    };
    // Not encrypted: CloudWatch cannot publish to a topic under the AWS-managed SNS key, and an alarm says nothing secret.
    this.alarms = new sns.Topic(this, 'Alarms', { displayName: `Shop ${props.stage} alarms`, enforceSSL: true });
    this.adminEmail = readAdminEmail(this.node.tryGetContext('adminEmail'), mail.address);
    const alarmMail = new subscriptions.EmailSubscription(this.adminEmail);
    this.alarms.addSubscription(alarmMail);
    for (const child of this.alarms.node.children) {
      if (!(child instanceof sns.Subscription)) continue;
      Validations.of(child).acknowledge({
        id: 'Serverless-SNSRedrivePolicy',
        reason:
          'An email subscription: SNS retries an undeliverable mail itself, and a dead-letter queue of alarm mails would be read by nobody.',
      });
    }
    const contextFor = (handler: string): BoundedContext => {
      const context = contextOf(handler);
      let construct = this.contexts.get(context);
      if (!construct) {
        construct = new BoundedContext(this, pascalCase(context), {
          context,
          stage: props.stage,
          resources,
          alarms: this.alarms,
        });
        this.contexts.set(context, construct);
      }
      return construct;
    };

    if (routes.some((route) => route.auth !== 'public')) {
      const spec = props.authorizer ?? defaultAuthorizer;
      // In this stack, not in the users context: every context's methods reference the authorizer.
      this.authorizerFunction = new ServiceFunction(this, 'AuthorizerFunction', {
        spec,
        service: contextOf(spec.handler),
        stage: props.stage,
      });
      bind(this.authorizerFunction, spec.bindings, resources);
    }
    this.api = new ShopApi(this, 'Api', {
      stage: props.stage,
      corsOrigins,
      authorizerFunction: this.authorizerFunction,
    });

    for (const spec of machines) {
      const tasks = Object.fromEntries(
        Object.entries(spec.tasks).map(([placeholder, task]) => [
          placeholder,
          contextFor(task.handler).addFunction(task),
        ]),
      );
      const workflow = new Workflow(this, spec.name, {
        spec,
        stage: props.stage,
        stateMachineName: machineName(spec),
        tasks,
      });
      this.workflows.set(spec.name, workflow);
    }

    for (const route of routes) {
      const { fn } = contextFor(route.handler).addRoute(route, this.api);
      if (corsOrigins.length > 0) fn.addEnvironment(ENV.corsOrigins, corsOrigins.join(','));
    }

    for (const rule of rules) {
      const context = contextFor(rule.target.handler);
      const { fn } = context.addEventRule(rule, props.data.bus);
      if (rule.target.handler === SUSPICIOUS_ACTIVITY.recorder) {
        new SuspiciousActivityAlarm(context, 'SuspiciousActivity', {
          recorder: fn,
          namespace: stackPrefix(props.stage),
          topic: this.alarms,
        });
      }
    }

    // The sample catalog exists in dev only, the demo accounts only when asked for (-c demoUsers=true): a deployed
    // stage is on a public URL. Prod starts empty (admins via npm run create-admin).
    const withDemoUsers = props.demoUsers === true;
    const sampleVersion = digest([sampleProducts, ...(withDemoUsers ? [demoUsers] : [])]);
    const loader: FunctionSpec = withDemoUsers
      ? sampleDataLoader
      : { ...sampleDataLoader, bindings: { tables: { catalog: 'readwrite', inventory: 'readwrite' } } };
    const sampleData =
      props.stage === 'dev'
        ? this.deployTimeTask('SampleData', contextFor(loader.handler).addFunction(loader), {
            // A change of the sample data runs the loader again (it only adds what is missing).
            version: sampleVersion,
            demoUsers: String(withDemoUsers),
          })
        : undefined;

    if (search) {
      const setup = this.deployTimeTask(
        'SearchIndex',
        contextFor(searchIndexSetup.handler).addFunction(searchIndexSetup),
        // Runs when the stack creates it; again when the index definition changes (a rebuild) or, in dev, the
        // sample data does (a refill: the loader writes to the table without ProductChanged).
        { [MAPPING_PROPERTY]: digest(indexDefinition), ...(sampleData && { sampleData: sampleVersion }) },
      );
      // The dev stage's sample products are in the table before the index is filled from it.
      if (sampleData) setup.node.addDependency(sampleData);
    }

    if (props.data.mailFeedback) {
      new MailFeedback(this, 'MailFeedback', {
        topic: props.data.mailFeedback,
        recorder: contextFor(mailFeedbackRecorder.handler).addFunction(mailFeedbackRecorder),
        notifier: this.contexts.get(contextOf(NOTIFIER))?.functions.find((fn) => fn.spec.handler === NOTIFIER),
        namespace: stackPrefix(props.stage),
      });
    }

    this.url = this.api.deploy().urlForPath('/');

    const contexts = [...this.contexts.values()];
    this.monitoring = new Monitoring(this, 'Monitoring', {
      stage: props.stage,
      topic: this.alarms,
      functions: [
        ...contexts.flatMap((context) => context.functions),
        ...(this.authorizerFunction ? [this.authorizerFunction] : []),
      ],
      deadLetterQueues: new Map(contexts.flatMap((context) => [...context.deadLetterQueues])),
      apiStage: this.api.deploy(),
      checkout: this.workflows.get(checkout.name)?.stateMachine,
      search: search && { domain: search, volumeGiB: SEARCH_VOLUME_GIB },
    });
  }

  /** A custom resource that runs `fn` on every deploy that creates it or changes `properties`. */
  private deployTimeTask(id: string, fn: lambda.IFunction, properties: Record<string, string>): CustomResource {
    // The framework function logs like ours: its own group, a week's retention.
    const logGroup = new logs.LogGroup(this, `${id}ProviderLogs`, {
      retention: logs.RetentionDays.ONE_WEEK,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // Its role: write that group and invoke the task's function (its unqualified ARN, not CDK's `<arn>:*`).
    const role = new iam.Role(this, `${id}ProviderRole`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Runs the ${id} deploy-time task`,
    });
    logGroup.grantWrite(role);
    role.addToPolicy(new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [fn.functionArn] }));
    const provider = new cr.Provider(this, `${id}Provider`, {
      onEventHandler: fn,
      logGroup,
      frameworkOnEventRole: role.withoutPolicyUpdates(),
    });
    provider.node.addDependency(role);
    const reason = `CDK's custom-resource framework function of the ${id} task: CDK chooses its runtime and memory; it runs at deploy time only, synchronously for CloudFormation (a failure fails the deploy).`;
    Validations.of(provider).acknowledge(
      { id: 'AwsSolutions-L1', reason },
      { id: 'Serverless-LambdaLatestVersion', reason },
      { id: 'Serverless-LambdaDLQ', reason },
      { id: 'Serverless-LambdaDefaultMemorySize', reason },
      { id: 'Serverless-LambdaTracing', reason },
    );
    return new CustomResource(this, id, { serviceToken: provider.serviceToken, properties });
  }
}

const digest = (value: unknown): string => createHash('sha256').update(JSON.stringify(value)).digest('hex');

const checkUnique = (routes: Route[]) => {
  const seen = new Set<string>();
  for (const route of routes) {
    const key = `${route.method} ${route.path}`;
    if (seen.has(key)) throw new Error(`Route ${key} appears twice in the route table`);
    seen.add(key);
  }
};
