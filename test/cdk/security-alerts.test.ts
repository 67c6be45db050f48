import { Match, type Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { routes } from '../../lib/spec/routes';
import { actionsOf, type Json, ofType, policyStatementsOfFunction, routesOf, synth } from './support';

const dev = synth({ stage: 'dev' });
const prod = synth({ stage: 'prod' });
const platform = dev.contextTemplates.get('platform') as Template;

const RECORDER = 'platform/handlers/events/record-suspicious-activity';
const PUBLISHER = 'platform/handlers/events/publish-security-alerts';

const recorderOf = (template: Template): [string, Json] => {
  const found = ofType(template, 'AWS::Lambda::Function').find(([, fn]) =>
    String(fn.Properties.Description).endsWith(RECORDER),
  );
  if (!found) throw new Error('no recorder function');
  return found;
};

describe('suspicious activity in CDK', () => {
  it('delivers SuspiciousActivityDetected from shop.security to the recorder, with retries and a dead-letter queue', () => {
    const [recorderId] = recorderOf(platform);
    platform.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { source: ['shop.security'], 'detail-type': ['SuspiciousActivityDetected'] },
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [recorderId, 'Arn'] },
          RetryPolicy: Match.objectLike({ MaximumRetryAttempts: Match.anyValue() }),
          DeadLetterConfig: { Arn: Match.anyValue() },
        }),
      ],
    });
  });

  it("counts each detection in the stage's metric and alarms on the first one, through the alarm topic", () => {
    const [, recorder] = recorderOf(platform);
    expect(recorder.Properties.Environment.Variables).toMatchObject({
      POWERTOOLS_METRICS_NAMESPACE: 'Shop-dev',
      POWERTOOLS_SERVICE_NAME: 'platform',
      PLATFORM_TABLE: expect.anything(),
    });
    platform.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'Shop-dev',
      MetricName: 'SuspiciousActivityDetected',
      Dimensions: [{ Name: 'service', Value: 'platform' }],
      Statistic: 'Sum',
      Period: 300,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      EvaluationPeriods: 1,
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^referencetoShop\\w+ApiAlarms\\w+Ref$') }],
    });
    const prodPlatform = prod.contextTemplates.get('platform') as Template;
    prodPlatform.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'Shop-prod',
      MetricName: 'SuspiciousActivityDetected',
    });
  });

  it('publishes pending alerts from a scheduled function, the one that may put them on the bus', () => {
    const [publisherId, publisher] = ofType(platform, 'AWS::Lambda::Function').find(([, fn]) =>
      String(fn.Properties.Description).endsWith(PUBLISHER),
    ) as [string, Json];
    platform.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 minute)',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [publisherId, 'Arn'] } })],
    });
    expect(publisher.Properties.Environment.Variables).toMatchObject({
      PLATFORM_TABLE: expect.anything(),
      EVENT_BUS_NAME: expect.anything(),
    });
    const actions = policyStatementsOfFunction(platform, publisherId).flatMap(actionsOf);
    expect(actions).toEqual(expect.arrayContaining(['events:PutEvents', 'dynamodb:Query', 'dynamodb:UpdateItem']));
  });

  it('lets every route function and the authorizer write the audit trail, and nothing more for it', () => {
    const views = routesOf(dev);
    expect(views.length).toBe(routes.length);
    for (const view of views) {
      const name = `${view.method} ${view.path}`;
      expect(view.function.Properties.Environment.Variables.PLATFORM_TABLE, name).toBeDefined();
      const [context, fnLogicalId] = view.functionKey.split('/') as [string, string];
      const statements = policyStatementsOfFunction(dev.contextTemplates.get(context) as Template, fnLogicalId);
      const writes = statements.filter(
        (s) => actionsOf(s).includes('dynamodb:UpdateItem') && JSON.stringify(s.Resource).includes('PlatformTable'),
      );
      expect(writes.length, name).toBeGreaterThan(0);
    }
    // A route that reads the catalog alone may write the platform table, not read it, and has no bus.
    const getProduct = views.find((v) => v.method === 'GET' && v.path === '/api/v1/products/{id}') as (typeof views)[0];
    expect(getProduct.function.Properties.Environment.Variables.EVENT_BUS_NAME).toBeUndefined();
    const [context, fnLogicalId] = getProduct.functionKey.split('/') as [string, string];
    const statements = policyStatementsOfFunction(dev.contextTemplates.get(context) as Template, fnLogicalId);
    expect(statements.flatMap(actionsOf)).not.toContain('events:PutEvents');
    const platformWrites = statements.filter((s) => JSON.stringify(s.Resource).includes('PlatformTable'));
    const grants = platformWrites.map((s) => ({
      actions: actionsOf(s),
      keys: s.Condition['ForAllValues:StringLike']['dynamodb:LeadingKeys'],
    }));
    // Audit records and tallies; an alert opened at a refusal threshold. Nothing else of the platform table.
    expect(grants).toEqual([
      { actions: ['dynamodb:PutItem', 'dynamodb:UpdateItem'], keys: ['AUDIT#*'] },
      { actions: ['dynamodb:PutItem'], keys: ['ALERT#*'] },
    ]);

    const [authorizerId] = ofType(dev.apiTemplate, 'AWS::Lambda::Function').find(([, f]) =>
      String(f.Properties.Description).endsWith('users/handlers/http/authorizer'),
    ) as [string, Json];
    expect(policyStatementsOfFunction(dev.apiTemplate, authorizerId).flatMap(actionsOf)).toContain(
      'dynamodb:UpdateItem',
    );
  });
});
