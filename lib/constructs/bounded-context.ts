import { Duration, NestedStack, type NestedStackProps, Validations } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { Stage } from '../app-config';
import type { FunctionSpec } from '../spec/bindings';
import { type EventRule, isScheduled } from '../spec/event-rules';
import { pascalCase } from '../spec/naming';
import type { Route } from '../spec/routes';
import { type BindingResources, bind } from './bind';
import { functionIdOf } from './naming';
import { ServiceFunction } from './service-function';
import type { ShopApi } from './shop-api';

/** Delivery policy of every rule target (on top of Lambda's own two retries of a failed async invocation). */
export const EVENT_TARGET_RETRY_ATTEMPTS = 8;
export const EVENT_TARGET_MAX_EVENT_AGE = Duration.hours(2);

export interface BoundedContextProps extends NestedStackProps {
  /** The context's folder under functions/ (`catalog`, `orders`, ...). */
  context: string;
  stage: Stage;
  resources: BindingResources;
  /** The topic the context's alarms notify. */
  alarms: sns.ITopic;
}

/**
 * The functions of one bounded context (its routes' handlers, its event consumers, its saga steps),
 * with their methods, rules and dead-letter queues, in a nested stack of their own: each context's
 * resources count against its own 500-resource limit, and the context can be deployed and read as a unit.
 */
export class BoundedContext extends NestedStack {
  readonly context: string;
  readonly functions: ServiceFunction[] = [];
  /** Each event rule's dead-letter queue, by rule name. */
  readonly deadLetterQueues = new Map<string, sqs.Queue>();
  private readonly stage: Stage;
  private readonly resources: BindingResources;
  private readonly alarms: sns.ITopic;

  constructor(scope: Construct, id: string, props: BoundedContextProps) {
    super(scope, id, { description: `Shop ${props.stage}: ${props.context} functions`, ...props });
    this.context = props.context;
    this.stage = props.stage;
    this.resources = props.resources;
    this.alarms = props.alarms;
  }

  /** A function for `spec`, bound to its resources. Ids follow the handler; a handler used twice gets a numbered id. */
  addFunction(spec: FunctionSpec): ServiceFunction {
    const base = functionIdOf(spec.handler);
    let id = base;
    for (let n = 2; this.node.tryFindChild(id); n++) id = `${base}${n}`;
    const fn = new ServiceFunction(this, id, { spec, service: this.context, stage: this.stage });
    bind(fn, spec.bindings, this.resources);
    this.functions.push(fn);
    return fn;
  }

  /** The route's own function and its method on the API. */
  addRoute(route: Route, api: ShopApi): { fn: ServiceFunction; method: apigw.Method } {
    const fn = this.addFunction(route);
    const method = api.addRoute(this, `${fn.node.id}Method`, route, fn);
    return { fn, method };
  }

  /**
   * A rule delivering to the target's own function: on `bus` for a pattern rule, on the account's default
   * bus for a scheduled one (the only bus EventBridge runs schedules on). Events the rule cannot deliver,
   * and events the function still fails on after Lambda's retries, land in one dead-letter queue.
   */
  addEventRule(
    spec: EventRule,
    bus: events.IEventBus,
  ): { fn: ServiceFunction; rule: events.Rule; deadLetters: sqs.Queue } {
    const fn = this.addFunction(spec.target);
    const deadLetters = new sqs.Queue(this, `${pascalCase(spec.name)}DeadLetters`, {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    const reason = `The dead-letter queue of the ${spec.name} rule and its function: an alarm reports any message in it, nothing is redriven from it.`;
    Validations.of(deadLetters).acknowledge(
      { id: 'AwsSolutions-SQS3', reason },
      { id: 'Serverless-SQSRedrivePolicy', reason },
    );
    this.deadLetterQueues.set(spec.name, deadLetters);
    fn.configureAsyncInvoke({ retryAttempts: 2, onFailure: new destinations.SqsDestination(deadLetters) });
    const rule = new events.Rule(this, pascalCase(spec.name), {
      description: spec.description,
      ...(isScheduled(spec)
        ? { schedule: events.Schedule.expression(spec.schedule) }
        : { eventBus: bus, eventPattern: spec.pattern as events.EventPattern }),
      targets: [
        new targets.LambdaFunction(fn, {
          retryAttempts: EVENT_TARGET_RETRY_ATTEMPTS,
          maxEventAge: EVENT_TARGET_MAX_EVENT_AGE,
          deadLetterQueue: deadLetters,
        }),
      ],
    });
    // Anything in the queue is an event a consumer never handled: someone must look at it.
    const alarm = deadLetters
      .metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' })
      .createAlarm(this, `${pascalCase(spec.name)}DeadLettersAlarm`, {
        alarmDescription: `Events the ${spec.name} rule could not deliver to ${spec.target.handler}`,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    alarm.addAlarmAction(new cloudwatchActions.SnsAction(this.alarms));
    return { fn, rule, deadLetters };
  }
}
