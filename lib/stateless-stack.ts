import { CfnOutput, CrossStackReferences, ReferenceStrength, Stack, type StackProps } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import type { Stage } from './app-config';
import type { FunctionSpec } from './bindings';
import { type BindingResources, bind } from './constructs/bind';
import { BoundedContext } from './constructs/bounded-context';
import { contextOf, pascalCase } from './constructs/naming';
import { ServiceFunction } from './constructs/service-function';
import { ShopApi } from './constructs/shop-api';
import { Workflow } from './constructs/workflow';
import { eventRules as defaultEventRules, type EventRule } from './event-rules';
import { authorizer as defaultAuthorizer, routes as defaultRoutes, type Route } from './routes';
import { checkout, stateMachines as defaultStateMachines, type StateMachineSpec } from './state-machines';
import type { StatefulResources } from './stateful-stack';

/** Handlers read the allowed browser origins from it (set only when corsOrigins is). */
export const CORS_ORIGINS_ENV = 'CORS_ORIGINS';

const CROSS_STACK_REFERENCES_CONTEXT = '@aws-cdk/core:defaultCrossStackReferences';

export interface StatelessStackProps extends StackProps {
  stage: Stage;
  /** The stateful stack (or a stand-in in tests). */
  data: StatefulResources;
  corsOrigins?: string[];
  /** The tables default to lib/routes.ts, lib/event-rules.ts and lib/state-machines.ts; tests pass their own. */
  routes?: Route[];
  eventRules?: EventRule[];
  stateMachines?: StateMachineSpec[];
  authorizer?: FunctionSpec;
}

/**
 * Functions, API, rules and workflows: everything that can be destroyed and redeployed without losing data.
 * The API, its authorizer and the state machines live in this stack; each bounded context's functions
 * (with their methods, rules and dead-letter queues) live in that context's nested stack.
 */
export class StatelessStack extends Stack {
  readonly api: ShopApi;
  readonly contexts = new Map<string, BoundedContext>();
  readonly workflows = new Map<string, Workflow>();
  readonly authorizerFunction?: ServiceFunction;

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    // Export/ImportValue from the stateful stack, as CDK has always done (and LocalStack deploys), unless
    // the app chose otherwise with @aws-cdk/core:defaultCrossStackReferences.
    if (this.node.tryGetContext(CROSS_STACK_REFERENCES_CONTEXT) === undefined) {
      CrossStackReferences.of(this).consume(ReferenceStrength.STRONG);
    }
    const routes = props.routes ?? defaultRoutes;
    const rules = props.eventRules ?? defaultEventRules;
    const machines = props.stateMachines ?? defaultStateMachines;
    const corsOrigins = props.corsOrigins ?? [];
    checkUnique(routes);

    // A context that starts the checkout may also host one of its steps: an ARN reference would make the
    // machine (here) and the context (nested) depend on each other. The machine's name is fixed instead,
    // so its ARN is known without a reference.
    const machineName = (spec: StateMachineSpec) => `${this.stackName}-${spec.name}`;
    const checkoutSpec = machines.find((spec) => spec.name === checkout.name);
    const { tables, bus, signingKey, mail } = props.data;
    const resources: BindingResources = {
      tables,
      bus,
      signingKey,
      mail,
      checkout: checkoutSpec && sfn.StateMachine.fromStateMachineName(this, 'CheckoutRef', machineName(checkoutSpec)),
    };
    const contextFor = (handler: string): BoundedContext => {
      const context = contextOf(handler);
      let construct = this.contexts.get(context);
      if (!construct) {
        construct = new BoundedContext(this, pascalCase(context), { context, stage: props.stage, resources });
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
      new CfnOutput(this, `${spec.name}StateMachineArn`, { value: workflow.stateMachine.stateMachineArn });
    }

    for (const route of routes) {
      const { fn } = contextFor(route.handler).addRoute(route, this.api);
      if (corsOrigins.length > 0) fn.addEnvironment(CORS_ORIGINS_ENV, corsOrigins.join(','));
    }

    for (const rule of rules) contextFor(rule.target.handler).addEventRule(rule, props.data.bus);

    this.api.deploy();
  }
}

const checkUnique = (routes: Route[]) => {
  const seen = new Set<string>();
  for (const route of routes) {
    const key = `${route.method} ${route.path}`;
    if (seen.has(key)) throw new Error(`Route ${key} appears twice in the route table`);
    seen.add(key);
  }
};
