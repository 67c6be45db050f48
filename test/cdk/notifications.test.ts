import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { createShopStacks } from '../../lib/app';
import { eventRules } from '../../lib/spec/event-rules';
import { baseConfig, type Json, ofType, policyStatementsOfFunction, synth, unbundledApp } from './support';

const real = synth();
const notifications = real.contextTemplates.get('notifications');

const notificationFunction = (template: Template): [string, Json] => {
  const found = ofType(template, 'AWS::Lambda::Function').find(([, fn]) =>
    String(fn.Properties.Description).endsWith('notifications/handlers/events/send-notification'),
  );
  if (!found) throw new Error('no notification function');
  return found;
};

describe('email notifications in CDK', () => {
  it('subscribe the notification function to the notified events, with the retry policy and a dead-letter queue', () => {
    expect(notifications).toBeDefined();
    const template = notifications as Template;
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: [{ prefix: 'shop.' }],
        'detail-type': [
          'UserRegistered',
          'OrderConfirmed',
          'OrderFailed',
          'OrderCancelled',
          'PaymentRefunded',
          'OrderShipped',
          'OrderDelivered',
          'InventoryLow',
          'SuspiciousActivityDetected',
        ],
      },
      Targets: [
        Match.objectLike({
          RetryPolicy: Match.objectLike({ MaximumRetryAttempts: Match.anyValue() }),
          DeadLetterConfig: { Arn: Match.anyValue() },
        }),
      ],
    });
  });

  it('give the function the sender, the admin address (default admin@<sender domain>), users read and SES send', () => {
    const template = notifications as Template;
    const [logicalId, fn] = notificationFunction(template);
    expect(fn.Properties.Environment.Variables).toMatchObject({
      MAIL_FROM: 'no-reply@example.com',
      ADMIN_EMAIL: 'admin@example.com',
      USERS_TABLE: expect.anything(),
      PLATFORM_TABLE: expect.anything(),
    });
    const actions = policyStatementsOfFunction(template, logicalId).flatMap((s) => [s.Action].flat());
    expect(actions).toContain('ses:SendEmail');
  });

  it('take the admin address from the adminEmail context value, and refuse one that is not an address', () => {
    const build = (adminEmail: string) =>
      createShopStacks(unbundledApp({ adminEmail }), baseConfig, {}).api.contexts.get('notifications');
    const context = build('ops@shop.example');
    expect(context).toBeDefined();
    const [, fn] = notificationFunction(Template.fromStack(context as never));
    expect(fn.Properties.Environment.Variables.ADMIN_EMAIL).toBe('ops@shop.example');
    expect(() => build('not-an-address')).toThrow(/"adminEmail"/);
  });

  it('raise a CloudWatch alarm on every rule dead-letter queue as soon as it holds a message', () => {
    const alarms = [...real.contextTemplates.values()]
      .flatMap((t) => ofType(t, 'AWS::CloudWatch::Alarm'))
      .filter(([, alarm]) => alarm.Properties.Namespace === 'AWS/SQS');
    expect(alarms).toHaveLength(eventRules.length);
    for (const [, alarm] of alarms) {
      expect(alarm.Properties).toMatchObject({
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Namespace: 'AWS/SQS',
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        EvaluationPeriods: 1,
      });
    }
    (notifications as Template).hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmDescription: Match.stringLikeRegexp('EmailNotifications'),
    });
  });

  it('mail every alarm to the admin address through one SNS topic', () => {
    real.apiTemplate.resourceCountIs('AWS::SNS::Topic', 1);
    real.apiTemplate.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'admin@example.com',
    });
    expect(ofType(real.apiTemplate, 'AWS::SNS::Topic')[0]?.[0]).toMatch(/^Alarms/);
    // Each context stack receives the topic's ARN as a parameter (named after it) and makes it the alarm action.
    for (const [name, template] of real.contextTemplates) {
      for (const [, alarm] of ofType(template, 'AWS::CloudWatch::Alarm')) {
        expect(alarm.Properties.AlarmActions, name).toHaveLength(1);
        expect(alarm.Properties.AlarmActions[0].Ref, name).toMatch(/^referencetoShop\w+ApiAlarms\w+Ref$/);
      }
    }
    const custom = createShopStacks(unbundledApp({ adminEmail: 'ops@shop.example' }), baseConfig, {});
    Template.fromStack(custom.api).hasResourceProperties('AWS::SNS::Subscription', { Endpoint: 'ops@shop.example' });
  });
});
