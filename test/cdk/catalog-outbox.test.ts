import { Match, type Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { eventRules, isScheduled } from '../../lib/spec/event-rules';
import { routes } from '../../lib/spec/routes';
import { actionsOf, type Json, ofType, policyStatementsOfFunction, routesOf, synth } from './support';

const real = synth();
const catalog = real.contextTemplates.get('catalog') as Template;
const SWEEPER = 'catalog/handlers/events/republish-product-changes';

const functionOf = (template: Template, handler: string): [string, Json] => {
  const found = ofType(template, 'AWS::Lambda::Function').find(([, fn]) =>
    String(fn.Properties.Description).endsWith(`: ${handler}`),
  );
  if (!found) throw new Error(`no ${handler} function`);
  return found;
};

const resourcesText = (statements: Json[], action: string) =>
  JSON.stringify(statements.filter((s) => actionsOf(s).includes(action)).map((s) => s.Resource));

describe('the ProductChanged outbox in CDK', () => {
  it('is a rule table entry: a schedule, not a pattern', () => {
    const spec = eventRules.find((rule) => rule.target.handler === SWEEPER);
    expect(spec && isScheduled(spec) && spec.schedule).toBe('rate(1 minute)');
  });

  it('runs the sweeper every minute from the default bus, with retries, a dead-letter queue and its alarm', () => {
    const [sweeperId] = functionOf(catalog, SWEEPER);
    catalog.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 minute)',
      State: 'ENABLED',
      EventBusName: Match.absent(),
      EventPattern: Match.absent(),
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [sweeperId, 'Arn'] },
          RetryPolicy: Match.objectLike({ MaximumRetryAttempts: Match.anyValue() }),
          DeadLetterConfig: { Arn: Match.anyValue() },
        }),
      ],
    });
    const [ruleId] =
      ofType(catalog, 'AWS::Events::Rule').find(([, rule]) => rule.Properties.ScheduleExpression !== undefined) ?? [];
    catalog.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'events.amazonaws.com',
      SourceArn: { 'Fn::GetAtt': [ruleId, 'Arn'] },
    });
    catalog.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmDescription: Match.stringLikeRegexp(`RepublishPendingProductChanges .*${SWEEPER}`),
    });
  });

  it('lets the sweeper query the outbox index, clear marks and publish, with a timeout that fits a batch run', () => {
    const [sweeperId, fn] = functionOf(catalog, SWEEPER);
    expect(fn.Properties.Timeout).toBe(60);
    expect(Object.keys(fn.Properties.Environment.Variables)).toEqual(
      expect.arrayContaining(['CATALOG_TABLE', 'EVENT_BUS_NAME']),
    );
    const statements = policyStatementsOfFunction(catalog, sweeperId);
    expect(resourcesText(statements, 'dynamodb:Query')).toContain('/index/byPendingChange');
    expect(resourcesText(statements, 'dynamodb:Query')).not.toContain('/index/*');
    expect(resourcesText(statements, 'dynamodb:UpdateItem')).toContain('CatalogTable');
    expect(resourcesText(statements, 'events:PutEvents')).toContain('Bus');
  });

  it('lets product creation write the stock record in its transaction (inventory read-write)', () => {
    const route = routes.find((r) => r.handler === 'catalog/handlers/http/create-product');
    expect(route?.bindings.tables?.inventory).toBe('readwrite');
    const view = routesOf(real).find((v) => v.method === 'POST' && v.path === '/api/v1/products');
    if (!view) throw new Error('no POST /api/v1/products');
    expect(view.function.Properties.Environment.Variables).toHaveProperty('INVENTORY_TABLE');
    const statements = policyStatementsOfFunction(catalog, view.functionKey.split('/')[1] as string);
    expect(resourcesText(statements, 'dynamodb:UpdateItem')).toContain('InventoryTable');
  });

  it('gives the catalog table the sparse outbox index', () => {
    const [, table] =
      ofType(real.dataTemplate, 'AWS::DynamoDB::Table').find(([id]) => id.startsWith('CatalogTable')) ?? [];
    const index = table?.Properties.GlobalSecondaryIndexes.find((i: Json) => i.IndexName === 'byPendingChange');
    expect(index?.KeySchema).toEqual([
      { AttributeName: 'outboxPk', KeyType: 'HASH' },
      { AttributeName: 'outboxAt', KeyType: 'RANGE' },
    ]);
  });
});
