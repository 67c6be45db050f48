import { Duration } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as opensearch from 'aws-cdk-lib/aws-opensearchservice';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { type Stage, stackPrefix } from '../app-config';
import { ENV } from '../spec/env';
import {
  CHECKOUT_OUTCOMES,
  ORDER_METRIC_DIMENSIONS,
  ORDER_METRIC_EMITTERS,
  ORDER_METRICS,
  SERVICE_DIMENSION,
} from '../spec/metrics';
import { contextOf } from './naming';
import type { ServiceFunction } from './service-function';

/**
 * The thresholds of the stage's alarms (README, "Operating it"). Counts are per evaluation period unless a
 * rate says otherwise.
 */
export const ALARM_THRESHOLDS = {
  /**
   * A refused checkout (out of stock, a declined card) ends its execution in the CheckoutFailed state, so a failed
   * execution alone is business as usual: the alarm wants at least 5 in 15 minutes and a quarter of the checkouts
   * started then.
   */
  checkoutFailedMin: 5,
  checkoutFailedPercent: 25,
  /**
   * An order that requires attention (a step of its checkout kept failing, or the reconciler could not settle it):
   * any, since its payment or stock may be wrong until an admin resolves it.
   */
  ordersRequiringAttention: 1,
  /** An execution past the definition's hour, or stopped by hand: never part of a normal checkout. */
  checkoutTimedOut: 1,
  checkoutAborted: 1,
  /**
   * Lambda errors of a bounded context's functions together in 5 minutes. A route function answers its own
   * errors (its Lambda errors are timeouts, crashes, failed starts), but saga steps throw out-of-stock and
   * declines by design (the state machine catches them): 5 leaves room for those and for a lone transient
   * failure that a retry absorbs, and a broken deploy (every call failing) passes it at once.
   */
  lambdaErrors: 5,
  /** A throttled invocation is refused work (a 500 for an API caller, a delay for an event): any. */
  lambdaThrottles: 1,
  /** 5XX responses per 100 requests in 5 minutes; the API's contract has none, so one in a quiet period counts. */
  api5xxPercent: 1,
  /** p99 latency (ms) over 5 minutes, three periods running: beyond cold starts and bcrypt's sign-in. */
  apiLatencyP99Ms: 3000,
  apiLatencyPeriods: 3,
  /** Red (a primary shard unassigned) at once; yellow (a replica unassigned) for 5 minutes running. */
  searchYellowMinutes: 5,
  /** Free storage (fraction of the data volume) on the fullest node: AWS's recommended quarter. */
  searchFreeStorageFraction: 0.25,
  /** SES reviews an account at a 5% bounce rate and a 0.1% complaint rate (and may pause it at 10% / 0.5%). */
  sesBounceRate: 0.05,
  sesComplaintRate: 0.001,
} as const;

/** CloudWatch's limit of metrics in one alarm's math expression. */
export const MAX_METRICS_PER_ALARM = 10;

export interface MonitoringProps {
  stage: Stage;
  /** Every alarm notifies it. */
  topic: sns.ITopic;
  /** The platform's functions: grouped by bounded context (their `service`), the authorizer with `users`. */
  functions: ServiceFunction[];
  /** Each event rule's dead-letter queue, by rule name (their alarms are the contexts' own). */
  deadLetterQueues: Map<string, sqs.IQueue>;
  apiStage: apigw.Stage;
  checkout?: sfn.IStateMachine;
  /** Absent when the stage runs without OpenSearch. */
  search?: { domain: opensearch.IDomain; volumeGiB: number };
}

const FIVE_MINUTES = Duration.minutes(5);

/**
 * Ids for a math expression's metrics: a lower-case letter first, then letters, digits, underscores; unique in a
 * graph that shows several such expressions.
 */
const mathIds = <T>(prefix: string, items: T[]): Record<string, T> =>
  Object.fromEntries(items.map((item, i) => [`${prefix.toLowerCase().replace(/[^a-z0-9]+/g, '_')}_${i}`, item]));

/**
 * The stage's operations view: alarms on the alarm topic for whatever can fail without anyone asking (the
 * checkout workflow, each bounded context's functions, the API, the search domain, SES's reputation) and one
 * dashboard with the business metrics (lib/spec/metrics.ts) next to the technical ones.
 */
export class Monitoring extends Construct {
  readonly alarms: cloudwatch.Alarm[] = [];
  readonly dashboard: cloudwatch.Dashboard;
  private readonly prefix: string;
  private readonly action: cloudwatchActions.SnsAction;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    this.prefix = stackPrefix(props.stage);
    this.action = new cloudwatchActions.SnsAction(props.topic);
    const namespace = this.prefix;

    // The order metrics go to the stage's namespace; Powertools adds `service` (the emitters' context).
    const emitters = props.functions.filter((fn) =>
      (ORDER_METRIC_EMITTERS as readonly string[]).includes(fn.spec.handler),
    );
    for (const fn of emitters) fn.addEnvironment(ENV.metricsNamespace, namespace);
    const service = contextOf(ORDER_METRIC_EMITTERS[0]);
    const orderMetric = (metricName: string, statistic: string, period: Duration, dimensions = {}) =>
      new cloudwatch.Metric({
        namespace,
        metricName,
        dimensionsMap: { [SERVICE_DIMENSION]: service, ...dimensions },
        statistic,
        period,
      });
    const orderSearch = (metricName: string, dimension: string, label: string, period: Duration) =>
      new cloudwatch.SearchExpression({
        expression: `SEARCH('{"${namespace}",${dimension},${SERVICE_DIMENSION}} MetricName="${metricName}" ${SERVICE_DIMENSION}="${service}"', 'Sum', ${period.toSeconds()})`,
        label,
        period,
      });

    // Orders that require attention: counted by the functions that mark them (lib/spec/metrics.ts).
    const attention = orderMetric(ORDER_METRICS.requiresAttention, cloudwatch.Stats.SUM, FIVE_MINUTES);
    this.alarm('OrdersRequireAttention', {
      description:
        'An order requires attention: a step of its checkout (refund, release, commit) kept failing, or it could not be settled. Admins list them at /admin/orders?status=REQUIRES_ATTENTION and resolve each',
      metric: attention,
      threshold: ALARM_THRESHOLDS.ordersRequiringAttention,
    });

    // Checkout workflow.
    const checkoutWidgets: cloudwatch.IWidget[] = [];
    if (props.checkout) {
      const machine = props.checkout;
      const quarterHour = { period: Duration.minutes(15), statistic: cloudwatch.Stats.SUM };
      this.alarm('CheckoutFailed', {
        description: `${ALARM_THRESHOLDS.checkoutFailedPercent}% or more of the checkout executions failed in 15 minutes (${ALARM_THRESHOLDS.checkoutFailedMin} or more); the orders widget says for which reasons`,
        metric: new cloudwatch.MathExpression({
          expression: `IF(FILL(failed, 0) >= ${ALARM_THRESHOLDS.checkoutFailedMin}, 100 * FILL(failed, 0) / MAX([FILL(started, 0), FILL(failed, 0)]), 0)`,
          usingMetrics: { failed: machine.metricFailed(quarterHour), started: machine.metricStarted(quarterHour) },
          label: 'Failed checkouts (%)',
          period: Duration.minutes(15),
        }),
        threshold: ALARM_THRESHOLDS.checkoutFailedPercent,
      });
      this.alarm('CheckoutTimedOut', {
        description: 'A checkout execution timed out: its order may be left PENDING with stock reserved',
        metric: machine.metricTimedOut({ period: FIVE_MINUTES, statistic: cloudwatch.Stats.SUM }),
        threshold: ALARM_THRESHOLDS.checkoutTimedOut,
      });
      this.alarm('CheckoutAborted', {
        description: 'A checkout execution was stopped: its order may be left PENDING with stock reserved',
        metric: machine.metricAborted({ period: FIVE_MINUTES, statistic: cloudwatch.Stats.SUM }),
        threshold: ALARM_THRESHOLDS.checkoutAborted,
      });
      const sum = { period: FIVE_MINUTES, statistic: cloudwatch.Stats.SUM };
      checkoutWidgets.push(
        new cloudwatch.GraphWidget({
          title: 'Checkout executions',
          left: [
            machine.metricStarted({ ...sum, label: 'started' }),
            machine.metricSucceeded({ ...sum, label: 'succeeded' }),
            machine.metricFailed({ ...sum, label: 'failed' }),
            machine.metricTimedOut({ ...sum, label: 'timed out' }),
            machine.metricAborted({ ...sum, label: 'aborted' }),
          ],
          width: 8,
        }),
      );
    }

    // Lambda errors and throttles per bounded context (a math expression over at most ten functions each).
    const errorLines: cloudwatch.IMetric[] = [];
    const throttleLines: cloudwatch.IMetric[] = [];
    const byContext = new Map<string, ServiceFunction[]>();
    for (const fn of props.functions) byContext.set(fn.service, [...(byContext.get(fn.service) ?? []), fn]);
    for (const [context, functions] of [...byContext].sort(([a], [b]) => a.localeCompare(b))) {
      const chunks = chunk(functions, MAX_METRICS_PER_ALARM);
      chunks.forEach((part, i) => {
        const suffix = chunks.length > 1 ? `-${i + 1}` : '';
        const label = `${context}${chunks.length > 1 ? ` (${i + 1}/${chunks.length})` : ''}`;
        const total = (metric: (fn: ServiceFunction) => cloudwatch.Metric, what: string) => {
          const ids = mathIds(`${what}_${context}${suffix}`, part.map(metric));
          return new cloudwatch.MathExpression({
            expression: `SUM([${Object.keys(ids)
              .map((key) => `FILL(${key}, 0)`)
              .join(', ')}])`,
            usingMetrics: ids,
            label: `${label} ${what}`,
            period: FIVE_MINUTES,
          });
        };
        const options = { period: FIVE_MINUTES, statistic: cloudwatch.Stats.SUM };
        const errors = total((fn) => fn.metricErrors(options), 'errors');
        const throttles = total((fn) => fn.metricThrottles(options), 'throttles');
        this.alarm(`LambdaErrors-${context}${suffix}`, {
          description: `Lambda errors of the ${label} functions (${part.length}) in 5 minutes`,
          metric: errors,
          threshold: ALARM_THRESHOLDS.lambdaErrors,
        });
        this.alarm(`LambdaThrottles-${context}${suffix}`, {
          description: `Throttled invocations of the ${label} functions (${part.length}) in 5 minutes`,
          metric: throttles,
          threshold: ALARM_THRESHOLDS.lambdaThrottles,
        });
        errorLines.push(errors);
        throttleLines.push(throttles);
      });
    }

    // API: 5XX rate and p99 latency of the stage.
    const requests = props.apiStage.metricCount({ period: FIVE_MINUTES, statistic: cloudwatch.Stats.SUM });
    const serverErrors = props.apiStage.metricServerError({ period: FIVE_MINUTES, statistic: cloudwatch.Stats.SUM });
    const errorRate = new cloudwatch.MathExpression({
      expression: '100 * FILL(errors, 0) / requests',
      usingMetrics: { errors: serverErrors, requests },
      label: '5XX responses (%)',
      period: FIVE_MINUTES,
    });
    const latencyP99 = props.apiStage.metricLatency({
      period: FIVE_MINUTES,
      statistic: cloudwatch.Stats.percentile(99),
    });
    this.alarm('Api5xxRate', {
      description: `${ALARM_THRESHOLDS.api5xxPercent}% or more of the API's answers in 5 minutes were 5XX`,
      metric: errorRate,
      threshold: ALARM_THRESHOLDS.api5xxPercent,
    });
    this.alarm('ApiLatencyP99', {
      description: `The API's p99 latency stayed at ${ALARM_THRESHOLDS.apiLatencyP99Ms} ms or more for ${5 * ALARM_THRESHOLDS.apiLatencyPeriods} minutes`,
      metric: latencyP99,
      threshold: ALARM_THRESHOLDS.apiLatencyP99Ms,
      evaluationPeriods: ALARM_THRESHOLDS.apiLatencyPeriods,
    });

    // Search domain: cluster health and storage.
    if (props.search) {
      const { domain, volumeGiB } = props.search;
      const minute = Duration.minutes(1);
      this.alarm('SearchClusterRed', {
        description: 'The search domain is red: a primary shard is unassigned, searches and indexing fail',
        metric: domain.metricClusterStatusRed({ period: minute, statistic: cloudwatch.Stats.MAXIMUM }),
        threshold: 1,
      });
      this.alarm('SearchClusterYellow', {
        description: `The search domain stayed yellow for ${ALARM_THRESHOLDS.searchYellowMinutes} minutes: a replica shard is unassigned`,
        metric: domain.metricClusterStatusYellow({ period: minute, statistic: cloudwatch.Stats.MAXIMUM }),
        threshold: 1,
        evaluationPeriods: ALARM_THRESHOLDS.searchYellowMinutes,
      });
      const lowMb = volumeGiB * 1024 * ALARM_THRESHOLDS.searchFreeStorageFraction;
      this.alarm('SearchLowStorage', {
        description: `A search node has ${lowMb} MB or less free (a quarter of its ${volumeGiB} GiB volume)`,
        metric: domain.metricFreeStorageSpace({ period: minute, statistic: cloudwatch.Stats.MINIMUM }),
        threshold: lowMb,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_OR_EQUAL_TO_THRESHOLD,
      });
    }

    // SES reputation: account-wide in the region (every stage and sender of the account), no dimension.
    const reputation = (metricName: string) =>
      new cloudwatch.Metric({
        namespace: 'AWS/SES',
        metricName,
        statistic: cloudwatch.Stats.MAXIMUM,
        period: Duration.minutes(15),
      });
    this.alarm('SesBounceRate', {
      description: `The account's SES bounce rate reached ${ALARM_THRESHOLDS.sesBounceRate * 100}% (SES reviews the account from there)`,
      metric: reputation('Reputation.BounceRate'),
      threshold: ALARM_THRESHOLDS.sesBounceRate,
    });
    this.alarm('SesComplaintRate', {
      description: `The account's SES complaint rate reached ${ALARM_THRESHOLDS.sesComplaintRate * 100}% (SES reviews the account from there)`,
      metric: reputation('Reputation.ComplaintRate'),
      threshold: ALARM_THRESHOLDS.sesComplaintRate,
    });

    // The dashboard: business first, then what can break it.
    const minute = Duration.minutes(1);
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: `${this.prefix}-operations`,
      defaultInterval: Duration.hours(3),
    });
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Orders per minute',
        left: [orderMetric(ORDER_METRICS.placed, cloudwatch.Stats.SUM, minute).with({ label: 'placed' })],
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Orders confirmed and failed (by reason), per 5 minutes',
        left: [
          orderMetric(ORDER_METRICS.confirmed, cloudwatch.Stats.SUM, FIVE_MINUTES).with({ label: 'confirmed' }),
          orderSearch(ORDER_METRICS.failed, ORDER_METRIC_DIMENSIONS.reason, 'failed', FIVE_MINUTES),
          attention.with({ label: 'requiring attention' }),
        ],
        stacked: true,
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Checkout duration (ms), order placed to settled',
        left: Object.values(CHECKOUT_OUTCOMES).flatMap((outcome) =>
          ['p50', 'p99'].map((statistic) =>
            orderMetric(ORDER_METRICS.checkoutDuration, statistic, FIVE_MINUTES, {
              [ORDER_METRIC_DIMENSIONS.outcome]: outcome,
            }).with({ label: `${outcome} ${statistic}` }),
          ),
        ),
        width: 8,
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Revenue per hour (cents, by currency)',
        left: [orderSearch(ORDER_METRICS.revenue, ORDER_METRIC_DIMENSIONS.currency, 'revenue', Duration.hours(1))],
        width: 8,
      }),
      ...checkoutWidgets,
      new cloudwatch.GraphWidget({
        title: 'API',
        left: [errorRate],
        right: [latencyP99.with({ label: 'p99 latency (ms)' })],
        width: 8,
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({ title: 'Lambda errors by bounded context', left: errorLines, width: 8 }),
      new cloudwatch.GraphWidget({ title: 'Lambda throttles by bounded context', left: throttleLines, width: 8 }),
      new cloudwatch.GraphWidget({
        title: 'Dead letters (events never handled)',
        left: [...props.deadLetterQueues].map(([rule, queue]) =>
          queue.metricApproximateNumberOfMessagesVisible({
            period: FIVE_MINUTES,
            statistic: cloudwatch.Stats.MAXIMUM,
            label: rule,
          }),
        ),
        width: 8,
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 24, height: 6 }),
    );
  }

  /** An alarm on the topic: at or above the threshold (unless told otherwise), no data meaning all is well. */
  private alarm(
    id: string,
    options: {
      description: string;
      metric: cloudwatch.IMetric;
      threshold: number;
      evaluationPeriods?: number;
      comparisonOperator?: cloudwatch.ComparisonOperator;
    },
  ): cloudwatch.Alarm {
    const alarm = new cloudwatch.Alarm(this, id, {
      alarmName: `${this.prefix}-${id}`,
      alarmDescription: options.description,
      metric: options.metric,
      threshold: options.threshold,
      evaluationPeriods: options.evaluationPeriods ?? 1,
      comparisonOperator:
        options.comparisonOperator ?? cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(this.action);
    this.alarms.push(alarm);
    return alarm;
  }
}

const chunk = <T>(items: T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));
