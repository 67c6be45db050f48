import type * as sns from 'aws-cdk-lib/aws-sns';
import { describe, expect, it } from 'vitest';
import { ALARM_THRESHOLDS, MAX_METRICS_PER_ALARM } from '../../lib/constructs/monitoring';
import { eventRules } from '../../lib/spec/event-rules';
import { ORDER_METRIC_EMITTERS, ORDER_METRICS } from '../../lib/spec/metrics';
import { indexDefinition } from '../../lib/spec/search-index';
import { isServiceFunction, type Json, nestedStackLogicalId, ofType, resourcesOf, type Synth, synth } from './support';

const dev = synth({ stage: 'dev' });
const prod = synth({ stage: 'prod', enableOpenSearch: false });

const alarmsOf = (s: Synth): Map<string, Json> =>
  new Map(
    ofType(s.apiTemplate, 'AWS::CloudWatch::Alarm').map(([, alarm]) => [alarm.Properties.AlarmName, alarm.Properties]),
  );
const alarm = (s: Synth, name: string): Json => {
  const found = alarmsOf(s).get(`Shop-${s.root.node.id.split('-')[1]}-${name}`);
  if (!found) throw new Error(`no alarm ${name}`);
  return found;
};
const topicRef = (s: Synth) => ({ Ref: s.api.getLogicalId(s.api.alarms.node.defaultChild as sns.CfnTopic) });

/** The metrics an alarm reads, by their id in its math expression (or `metric` for a single one). */
const statsOf = (props: Json): Map<string, Json> =>
  props.Metrics
    ? new Map(
        props.Metrics.filter((m: Json) => m.MetricStat).map((m: Json) => [
          m.Id,
          { ...m.MetricStat.Metric, Period: m.MetricStat.Period, Stat: m.MetricStat.Stat },
        ]),
      )
    : new Map([
        [
          'metric',
          {
            Namespace: props.Namespace,
            MetricName: props.MetricName,
            Dimensions: props.Dimensions,
            Period: props.Period,
            Stat: props.Statistic ?? props.ExtendedStatistic,
          },
        ],
      ]);
const expressionOf = (props: Json): string => props.Metrics.find((m: Json) => m.ReturnData !== false).Expression;

const stateMachineRef = (s: Synth) => ({
  Ref: s.api.getLogicalId(s.api.workflows.get('Checkout')?.stateMachine.node.defaultChild as never),
});

describe('alarms', () => {
  it('every alarm of the monitoring notifies the alarm topic, and only it; no data is no alarm', () => {
    const alarms = alarmsOf(dev);
    expect(alarms.size).toBeGreaterThan(10);
    for (const [name, props] of alarms) {
      expect(props.AlarmActions, name).toEqual([topicRef(dev)]);
      expect(props.TreatMissingData, name).toBe('notBreaching');
    }
  });

  it('checkout: a quarter of the executions failed (5 or more in 15 minutes), any timed out, any aborted', () => {
    const machine = stateMachineRef(dev);
    const failed = alarm(dev, 'CheckoutFailed');
    const stats = statsOf(failed);
    expect(stats.get('failed')).toMatchObject({
      Namespace: 'AWS/States',
      MetricName: 'ExecutionsFailed',
      Dimensions: [{ Name: 'StateMachineArn', Value: machine }],
      Period: 900,
      Stat: 'Sum',
    });
    expect(stats.get('started')).toMatchObject({ MetricName: 'ExecutionsStarted', Period: 900 });
    expect(expressionOf(failed)).toBe(
      'IF(FILL(failed, 0) >= 5, 100 * FILL(failed, 0) / MAX([FILL(started, 0), FILL(failed, 0)]), 0)',
    );
    expect(failed).toMatchObject({ Threshold: 25, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });

    for (const [name, metricName] of [
      ['CheckoutTimedOut', 'ExecutionsTimedOut'],
      ['CheckoutAborted', 'ExecutionsAborted'],
    ] as const) {
      expect(alarm(dev, name), name).toMatchObject({
        Namespace: 'AWS/States',
        MetricName: metricName,
        Dimensions: [{ Name: 'StateMachineArn', Value: machine }],
        Statistic: 'Sum',
        Period: 300,
        Threshold: 1,
        EvaluationPeriods: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      });
    }
  });

  it('orders: any order that comes to require attention, counted by the functions that mark it', () => {
    expect(alarm(dev, 'OrdersRequireAttention')).toMatchObject({
      Namespace: 'Shop-dev',
      MetricName: ORDER_METRICS.requiresAttention,
      Dimensions: [{ Name: 'service', Value: 'orders' }],
      Statistic: 'Sum',
      Period: 300,
      Threshold: 1,
      EvaluationPeriods: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
    expect(ORDER_METRIC_EMITTERS).toEqual(
      expect.arrayContaining([
        'orders/handlers/saga/require-attention',
        'orders/handlers/events/reconcile-stalled-orders',
      ]),
    );
  });

  it('Lambda errors (5 in 5 minutes) and throttles (any) per bounded context, covering every function once, ten at most per alarm', () => {
    const api = resourcesOf(dev.apiTemplate);
    // A FunctionName dimension resolved to `<context or api>/<logical id>`.
    const functionOf = (value: Json): string => {
      if (value.Ref) return `api/${value.Ref}`;
      const [stackId, output] = value['Fn::GetAtt'] as [string, string];
      for (const [name, template] of dev.contextTemplates) {
        const context = dev.api.contexts.get(name);
        if (!context || nestedStackLogicalId(dev, context) !== stackId) continue;
        const ref = template.toJSON().Outputs[output.replace(/^Outputs\./, '')].Value.Ref;
        return `${name}/${ref}`;
      }
      throw new Error(`unknown stack ${stackId}`);
    };
    const expected = [
      ...[...dev.contextTemplates].flatMap(([name, template]) =>
        Object.entries(resourcesOf(template))
          .filter(([, resource]) => isServiceFunction(resource))
          .map(([id, resource]) => ({
            key: `${name}/${id}`,
            service: resource.Properties.Environment.Variables.POWERTOOLS_SERVICE_NAME,
          })),
      ),
      ...Object.entries(api)
        .filter(([, resource]) => isServiceFunction(resource))
        .map(([id, resource]) => ({
          key: `api/${id}`,
          service: resource.Properties.Environment.Variables.POWERTOOLS_SERVICE_NAME,
        })),
    ];
    expect(expected.length).toBeGreaterThan(40);

    for (const [kind, metricName, threshold] of [
      ['LambdaErrors', 'Errors', ALARM_THRESHOLDS.lambdaErrors],
      ['LambdaThrottles', 'Throttles', ALARM_THRESHOLDS.lambdaThrottles],
    ] as const) {
      const covered: { key: string; service: string }[] = [];
      for (const [name, props] of alarmsOf(dev)) {
        const match = name.match(new RegExp(`^Shop-dev-${kind}-([a-z]+)(?:-\\d+)?$`));
        if (!match) continue;
        const stats = [...statsOf(props).entries()];
        expect(stats.length, name).toBeLessThanOrEqual(MAX_METRICS_PER_ALARM);
        expect(expressionOf(props), name).toBe(`SUM([${stats.map(([id]) => `FILL(${id}, 0)`).join(', ')}])`);
        expect(props, name).toMatchObject({ Threshold: threshold, EvaluationPeriods: 1 });
        for (const [, stat] of stats) {
          expect(stat, name).toMatchObject({
            Namespace: 'AWS/Lambda',
            MetricName: metricName,
            Period: 300,
            Stat: 'Sum',
          });
          covered.push({ key: functionOf(stat.Dimensions[0].Value), service: match[1] as string });
        }
      }
      // Each function in its own context's alarm (the authorizer with users), exactly once.
      expect(covered.sort((a, b) => a.key.localeCompare(b.key))).toEqual(
        [...expected].sort((a, b) => a.key.localeCompare(b.key)),
      );
    }
    expect(expected.find(({ key }) => key.startsWith('api/'))?.service).toBe('users');
  });

  it('API: 1% or more 5XX answers in 5 minutes; p99 latency of 3 s or more for 15 minutes, on the stage', () => {
    // The deployed stage of this stage's API (ShopApi.deploy() answers the one stage it made).
    const stageId = dev.api.getLogicalId(dev.api.api.deploy().node.defaultChild as never);
    const stage = [
      { Name: 'ApiName', Value: 'Shop-dev' },
      { Name: 'Stage', Value: { Ref: stageId } },
    ];
    const rate = alarm(dev, 'Api5xxRate');
    expect(expressionOf(rate)).toBe('100 * FILL(errors, 0) / requests');
    const stats = statsOf(rate);
    expect(stats.get('errors')).toMatchObject({ Namespace: 'AWS/ApiGateway', MetricName: '5XXError', Stat: 'Sum' });
    expect(stats.get('requests')).toMatchObject({ Namespace: 'AWS/ApiGateway', MetricName: 'Count', Stat: 'Sum' });
    expect(stats.get('errors').Dimensions).toEqual(stage);
    expect(stats.get('requests').Dimensions).toEqual(stage);
    expect(rate).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });

    const latency = alarm(dev, 'ApiLatencyP99');
    expect(latency).toMatchObject({
      Namespace: 'AWS/ApiGateway',
      MetricName: 'Latency',
      ExtendedStatistic: 'p99',
      Period: 300,
      Threshold: 3000,
      EvaluationPeriods: 3,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
    expect(latency.Dimensions).toEqual(stage);
  });

  it('search: cluster red at once, yellow for 5 minutes, a quarter of the volume or less free; none without a domain', () => {
    const domain = expect.arrayContaining([
      { Name: 'DomainName', Value: expect.anything() },
      { Name: 'ClientId', Value: { Ref: 'AWS::AccountId' } },
    ]);
    expect(alarm(dev, 'SearchClusterRed')).toMatchObject({
      Namespace: 'AWS/ES',
      MetricName: 'ClusterStatus.red',
      Dimensions: domain,
      Statistic: 'Maximum',
      Period: 60,
      Threshold: 1,
      EvaluationPeriods: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
    expect(alarm(dev, 'SearchClusterYellow')).toMatchObject({
      MetricName: 'ClusterStatus.yellow',
      Dimensions: domain,
      Statistic: 'Maximum',
      Period: 60,
      Threshold: 1,
      EvaluationPeriods: 5,
    });
    expect(alarm(dev, 'SearchLowStorage')).toMatchObject({
      MetricName: 'FreeStorageSpace',
      Dimensions: domain,
      Statistic: 'Minimum',
      Threshold: 2560,
      ComparisonOperator: 'LessThanOrEqualToThreshold',
    });
    // The domain's data volume is the one the threshold is a quarter of.
    const [, searchDomain] = ofType(dev.dataTemplate, 'AWS::OpenSearchService::Domain')[0] as [string, Json];
    expect(searchDomain.Properties.EBSOptions.VolumeSize * 1024 * 0.25).toBe(2560);

    // One data node holds no replica: the product index asks for one only once there is a second node, or the
    // cluster would be yellow (and its alarm on) for good.
    expect(searchDomain.Properties.ClusterConfig.InstanceCount).toBe(1);
    expect(indexDefinition.settings.index.auto_expand_replicas).toBe('0-1');

    expect([...alarmsOf(prod).keys()].filter((name) => name.includes('Search'))).toEqual([]);
  });

  it("SES: the account's bounce rate at 5%, its complaint rate at 0.1%", () => {
    expect(alarm(dev, 'SesBounceRate')).toMatchObject({
      Namespace: 'AWS/SES',
      MetricName: 'Reputation.BounceRate',
      Statistic: 'Maximum',
      Threshold: 0.05,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
    expect(alarm(dev, 'SesComplaintRate')).toMatchObject({
      Namespace: 'AWS/SES',
      MetricName: 'Reputation.ComplaintRate',
      Threshold: 0.001,
    });
    expect(alarm(dev, 'SesBounceRate').Dimensions).toBeUndefined();
  });

  it('names every alarm after its stage', () => {
    expect([...alarmsOf(prod).keys()].every((name) => name.startsWith('Shop-prod-'))).toBe(true);
    expect([...alarmsOf(prod).keys()]).toContain('Shop-prod-CheckoutFailed');
  });
});

/** The dashboard's body with each token as a string (they all sit inside JSON strings), parsed. */
const dashboardOf = (s: Synth): Json => {
  const dashboards = ofType(s.apiTemplate, 'AWS::CloudWatch::Dashboard');
  expect(dashboards.length).toBe(1);
  const [, dashboard] = dashboards[0] as [string, Json];
  const body = dashboard.Properties.DashboardBody;
  const parts: Json[] = typeof body === 'string' ? [body] : body['Fn::Join'][1];
  const text = parts
    .map((part) => (typeof part === 'string' ? part : `<${JSON.stringify(part).replaceAll('"', "'")}>`))
    .join('');
  return { name: dashboard.Properties.DashboardName, body: JSON.parse(text) };
};

describe('dashboard', () => {
  const { name, body } = dashboardOf(dev);
  const widget = (title: string): Json => {
    const found = body.widgets.find((w: Json) => w.properties.title === title);
    if (!found) throw new Error(`no widget ${title}`);
    return found.properties;
  };

  it('is one per stage', () => {
    expect(name).toBe('Shop-dev-operations');
    expect(dashboardOf(prod).name).toBe('Shop-prod-operations');
  });

  it('shows orders per minute, confirmed vs failed by reason and checkout duration p50/p99 from the emitted metrics', () => {
    expect(widget('Orders per minute').metrics).toEqual([
      ['Shop-dev', ORDER_METRICS.placed, 'service', 'orders', expect.objectContaining({ stat: 'Sum', period: 60 })],
    ]);
    const settled = widget('Orders confirmed and failed (by reason), per 5 minutes').metrics;
    expect(settled[0]).toEqual([
      'Shop-dev',
      ORDER_METRICS.confirmed,
      'service',
      'orders',
      expect.objectContaining({ stat: 'Sum' }),
    ]);
    expect(settled[1][0].expression).toBe(
      `SEARCH('{"Shop-dev",reason,service} MetricName="${ORDER_METRICS.failed}" service="orders"', 'Sum', 300)`,
    );
    expect(settled[2]).toEqual([
      'Shop-dev',
      ORDER_METRICS.requiresAttention,
      'service',
      'orders',
      expect.objectContaining({ stat: 'Sum', label: 'requiring attention' }),
    ]);
    const durations = widget('Checkout duration (ms), order placed to settled').metrics;
    expect(durations.map((m: Json) => [m[1], m[3], m[m.length - 1].stat])).toEqual([
      [ORDER_METRICS.checkoutDuration, 'confirmed', 'p50'],
      [ORDER_METRICS.checkoutDuration, 'confirmed', 'p99'],
      [ORDER_METRICS.checkoutDuration, 'failed', 'p50'],
      [ORDER_METRICS.checkoutDuration, 'failed', 'p99'],
    ]);
    expect(widget('Revenue per hour (cents, by currency)').metrics[0][0].expression).toContain(
      `MetricName="${ORDER_METRICS.revenue}"`,
    );
  });

  it('shows Lambda errors and throttles per bounded context, as the alarms sum them', () => {
    for (const [title, kind] of [
      ['Lambda errors by bounded context', 'LambdaErrors'],
      ['Lambda throttles by bounded context', 'LambdaThrottles'],
    ] as const) {
      const expressions = widget(title)
        .metrics.filter((m: Json) => m[0]?.expression)
        .map((m: Json) => m[0].expression);
      const alarmed = [...alarmsOf(dev)]
        .filter(([n]) => n.startsWith(`Shop-dev-${kind}-`))
        .map(([, p]) => expressionOf(p));
      expect(expressions.sort()).toEqual(alarmed.sort());
    }
  });

  it("shows every event rule's dead letters", () => {
    const lines = widget('Dead letters (events never handled)').metrics;
    expect(lines.every((m: Json) => m[0] === 'AWS/SQS' && m[1] === 'ApproximateNumberOfMessagesVisible')).toBe(true);
    expect(lines.map((m: Json) => m[m.length - 1].label).sort()).toEqual(eventRules.map((rule) => rule.name).sort());
  });

  it('shows the checkout executions, the API, and the state of every alarm', () => {
    const executions = widget('Checkout executions').metrics.map((m: Json) => m[1]);
    expect(executions).toEqual([
      'ExecutionsStarted',
      'ExecutionsSucceeded',
      'ExecutionsFailed',
      'ExecutionsTimedOut',
      'ExecutionsAborted',
    ]);
    expect(JSON.stringify(widget('API').metrics)).toContain('100 * FILL(errors, 0) / requests');
    expect(widget('Alarms').alarms.length).toBe(alarmsOf(dev).size);
  });
});

describe('order metrics in CDK', () => {
  it("gives the orders functions that emit them the stage's namespace, and no other orders function", () => {
    const orders = [...dev.contextTemplates.values(), dev.apiTemplate]
      .flatMap((template) => Object.values(resourcesOf(template)).filter(isServiceFunction))
      .filter((fn: Json) => fn.Properties.Environment.Variables.POWERTOOLS_SERVICE_NAME === 'orders');
    const withNamespace = orders
      .filter((fn: Json) => fn.Properties.Environment.Variables.POWERTOOLS_METRICS_NAMESPACE === 'Shop-dev')
      .map((fn: Json) => String(fn.Properties.Description).split(': ')[1])
      .sort();
    expect(orders.length).toBeGreaterThan(ORDER_METRIC_EMITTERS.length);
    expect(withNamespace).toEqual([...ORDER_METRIC_EMITTERS].sort());
  });
});
