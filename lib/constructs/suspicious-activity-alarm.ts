import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { ENV } from '../spec/env';
import { SUSPICIOUS_ACTIVITY } from '../spec/security-alerts';
import type { ServiceFunction } from './service-function';

export interface SuspiciousActivityAlarmProps {
  /** The function that emits the metric (one EMF data point per SuspiciousActivityDetected). */
  recorder: ServiceFunction;
  /** The stage's own namespace, so that two stages in one account never count each other's. */
  namespace: string;
  topic: sns.ITopic;
}

/**
 * The SuspiciousActivityDetected count in CloudWatch and its alarm on the alarm topic: any detection in five
 * minutes. The admin is mailed per episode by the notifier already; the alarm is the operations view of it.
 */
export class SuspiciousActivityAlarm extends Construct {
  readonly metric: cloudwatch.Metric;
  readonly alarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: SuspiciousActivityAlarmProps) {
    super(scope, id);
    props.recorder.addEnvironment(ENV.metricsNamespace, props.namespace);
    this.metric = new cloudwatch.Metric({
      namespace: props.namespace,
      metricName: SUSPICIOUS_ACTIVITY.metricName,
      // Powertools Metrics adds the service (the function's context) as the one dimension.
      dimensionsMap: { service: props.recorder.service },
      statistic: cloudwatch.Stats.SUM,
      period: Duration.minutes(5),
    });
    this.alarm = this.metric.createAlarm(this, 'Alarm', {
      alarmDescription: 'Suspicious activity was detected (failed sign-ins, token or refusal sprays, a new admin IP)',
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.alarm.addAlarmAction(new cloudwatchActions.SnsAction(props.topic));
  }
}
