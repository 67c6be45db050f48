import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { COUNTED_COMMON_RULES } from '../../lib/constructs/firewall';
import { type PlatformGrant, platformStatements } from '../../lib/spec/platform';
import { edgeRateLimit, rateLimits } from '../../lib/spec/rate-limits';
import { authorizer, routes } from '../../lib/spec/routes';
import {
  actionsOf,
  allTemplates,
  autoDeleteProviderOf,
  type Json,
  ofType,
  resourcesOf,
  type Synth,
  statementsOf,
  synth,
} from './support';

const dev = synth({ stage: 'dev' });
const prod = synth({ stage: 'prod' });

describe('AWS WAF', () => {
  it.each([
    ['dev', dev],
    ['prod', prod],
  ] as const)('guards the API stage of %s with a regional web ACL', (_, s) => {
    const [[aclId, acl]] = ofType(s.apiTemplate, 'AWS::WAFv2::WebACL') as [[string, Json]];
    expect(acl.Properties.Scope).toBe('REGIONAL');
    const rules: Json[] = acl.Properties.Rules;
    const managed = rules.filter((rule) => rule.Statement.ManagedRuleGroupStatement);
    expect(managed.map((rule) => rule.Statement.ManagedRuleGroupStatement.Name)).toEqual([
      'AWSManagedRulesCommonRuleSet',
      'AWSManagedRulesKnownBadInputsRuleSet',
    ]);
    // The common set's 8 KB body cap only counts: the API takes up to 64 KB and answers 413 itself.
    expect(managed[0].Statement.ManagedRuleGroupStatement.RuleActionOverrides).toEqual([
      { Name: 'SizeRestrictions_BODY', ActionToUse: { Count: {} } },
    ]);
    expect(Object.keys(COUNTED_COMMON_RULES)).toEqual(['SizeRestrictions_BODY']);

    // Per client: through the storefront by the viewer IP it forwards, straight to the stage by the caller's IP.
    const rate = rules.filter((rule) => rule.Statement.RateBasedStatement);
    expect(rate.map((rule) => rule.Statement.RateBasedStatement.AggregateKeyType)).toEqual(['FORWARDED_IP', 'IP']);
    for (const rule of rate) {
      expect(rule.Statement.RateBasedStatement).toMatchObject({
        Limit: edgeRateLimit.limit,
        EvaluationWindowSec: edgeRateLimit.windowSeconds,
      });
      expect(rule.Action.Block.CustomResponse.ResponseCode).toBe(429);
      // Ahead of the managed rules, so a flood is cut before anything else is inspected.
      expect(rule.Priority).toBeLessThan(Math.min(...managed.map((m) => m.Priority)));
    }
    expect(rate[0].Statement.RateBasedStatement.ForwardedIPConfig.HeaderName).toBe('x-shop-viewer-ip');
    expect(JSON.parse(acl.Properties.CustomResponseBodies.RateLimited.Content).error.code).toBe('RATE_LIMITED');

    const [[, association]] = ofType(s.apiTemplate, 'AWS::WAFv2::WebACLAssociation') as [[string, Json]];
    expect(association.Properties.WebACLArn).toEqual({ 'Fn::GetAtt': [aclId, 'Arn'] });
    const [[stageId]] = ofType(s.apiTemplate, 'AWS::ApiGateway::Stage') as [[string, Json]];
    expect(JSON.stringify(association.Properties.ResourceArn)).toContain(`"/stages/",{"Ref":"${stageId}"}`);
    expect(association.DependsOn).toContain(stageId);
  });

  it('sets its per-client limit above every per-route limit over the same window', () => {
    for (const [name, rule] of Object.entries(rateLimits)) {
      const perEdgeWindow = (rule.limit * edgeRateLimit.windowSeconds) / rule.windowSeconds;
      expect(edgeRateLimit.limit, name).toBeGreaterThan(Math.max(rule.limit, perEdgeWindow) * 10);
    }
  });

  it('puts the storefront behind a CLOUDFRONT web ACL given by ARN, or its own in us-east-1, else none', () => {
    const distribution = (s: Synth) => ofType(s.webTemplate, 'AWS::CloudFront::Distribution')[0]?.[1];
    expect(distribution(prod).Properties.DistributionConfig.WebACLId).toBeUndefined();
    expect(ofType(prod.webTemplate, 'AWS::WAFv2::WebACL')).toEqual([]);

    const arn = 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/shop/abc-123';
    expect(
      distribution(synth({ stage: 'prod', storefrontWebAclArn: arn })).Properties.DistributionConfig.WebACLId,
    ).toBe(arn);

    const region = process.env.CDK_DEFAULT_REGION;
    process.env.CDK_DEFAULT_REGION = 'us-east-1';
    try {
      const east = synth({ stage: 'prod' });
      const [[aclId, acl]] = ofType(east.webTemplate, 'AWS::WAFv2::WebACL') as [[string, Json]];
      expect(acl.Properties.Scope).toBe('CLOUDFRONT');
      expect(acl.Properties.Rules[0].Statement.RateBasedStatement.AggregateKeyType).toBe('IP');
      expect(distribution(east).Properties.DistributionConfig.WebACLId).toEqual({ 'Fn::GetAtt': [aclId, 'Arn'] });
    } finally {
      if (region === undefined) delete process.env.CDK_DEFAULT_REGION;
      else process.env.CDK_DEFAULT_REGION = region;
    }
  });
});

describe('demo accounts', () => {
  const loaderOf = (s: Synth) =>
    [...s.contextTemplates.values()]
      .flatMap((template) => ofType(template, 'AWS::Lambda::Function'))
      .find(([, fn]) => String(fn.Properties.Description).endsWith('platform/handlers/deploy/seed-sample-data'))?.[1];
  const sampleDataOf = (s: Synth) => resourcesOf(s.apiTemplate).SampleData;

  it('are not loaded in a deployed dev stage unless demoUsers=true: the loader cannot even reach the users table', () => {
    expect(sampleDataOf(dev).Properties.demoUsers).toBe('false');
    expect(loaderOf(dev).Properties.Environment.Variables.USERS_TABLE).toBeUndefined();

    const withDemo = synth({ stage: 'dev', demoUsers: true });
    expect(sampleDataOf(withDemo).Properties.demoUsers).toBe('true');
    expect(loaderOf(withDemo).Properties.Environment.Variables.USERS_TABLE).toBeDefined();
    // Another digest: asking for them later runs the loader again.
    expect(sampleDataOf(withDemo).Properties.version).not.toBe(sampleDataOf(dev).Properties.version);
  });

  it('are never in prod, demoUsers or not', () => {
    const asked = synth({ stage: 'prod', demoUsers: true });
    expect(sampleDataOf(asked)).toBeUndefined();
    expect(loaderOf(asked)).toBeUndefined();
  });
});

describe('scoped grants', () => {
  it('limit every statement on the platform table to partition keys, and name no index/*', () => {
    for (const s of [dev, prod]) {
      for (const [stack, template] of allTemplates(s)) {
        for (const { where, statement } of statementsOf(template)) {
          const text = JSON.stringify(statement.Resource ?? '');
          expect(text, `${stack} ${where}`).not.toContain('/index/*');
          if (!text.includes('PlatformTable') || statement.Effect === 'Deny') continue;
          const keys = statement.Condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys'];
          expect(keys?.length, `${stack} ${where}`).toBeGreaterThan(0);
          expect(actionsOf(statement), `${stack} ${where}`).not.toContain('dynamodb:Scan');
        }
      }
    }
  });

  it('give each function the statements of its purposes, the GET routes and the authorizer no counter or record they do not write', () => {
    const expected = (grant: PlatformGrant) =>
      platformStatements(grant, 'TABLE').map((s) => ({ actions: s.actions, keys: s.leadingKeys }));
    const getProduct = routes.find((r) => r.handler === 'catalog/handlers/http/get-product');
    expect(expected(getProduct?.bindings.platform ?? {})).toEqual([
      { actions: ['dynamodb:PutItem', 'dynamodb:UpdateItem'], keys: ['AUDIT#*'] },
      { actions: ['dynamodb:PutItem'], keys: ['ALERT#*'] },
    ]);
    expect(expected(authorizer.bindings.platform ?? {})).toEqual(expected(getProduct?.bindings.platform ?? {}));
    const addItem = routes.find((r) => r.handler === 'carts/handlers/http/add-item');
    expect(expected(addItem?.bindings.platform ?? {})).toContainEqual({
      actions: ['dynamodb:UpdateItem'],
      keys: ['RATE#*'],
    });
  });

  it('leave * only to the actions that take no resource, and no wildcard action anywhere', () => {
    const starOnly = new Set([
      'xray:PutTraceSegments',
      'xray:PutTelemetryRecords',
      'xray:GetSamplingRules',
      'xray:GetSamplingTargets',
      'logs:CreateLogDelivery',
      'logs:GetLogDelivery',
      'logs:UpdateLogDelivery',
      'logs:DeleteLogDelivery',
      'logs:ListLogDeliveries',
      'logs:PutResourcePolicy',
      'logs:DescribeResourcePolicies',
      'logs:DescribeLogGroups',
    ]);
    const wildcards: string[] = [];
    for (const s of [dev, prod]) {
      for (const [stack, template] of allTemplates(s)) {
        const autoDeleteRole = autoDeleteProviderOf(template).role;
        for (const { where, statement } of statementsOf(template)) {
          if (statement.Effect === 'Deny') continue;
          if (autoDeleteRole && statement.Principal?.AWS?.['Fn::GetAtt']?.[0] === autoDeleteRole) continue;
          for (const resource of [statement.Resource ?? []].flat()) {
            if (resource === '*') {
              const others = actionsOf(statement).filter((action) => !starOnly.has(action));
              expect(others, `${stack} ${where}`).toEqual([]);
              continue;
            }
            const text = JSON.stringify(resource);
            if (!text.includes('*')) continue;
            const tail = text.replace(/.*"([^"]*\*[^"]*)".*/, '$1');
            wildcards.push(`${actionsOf(statement).join(',')} ${tail}`);
          }
        }
      }
    }
    // The named paths that end in a wildcard: search indexes and documents, the storefront's objects (written by
    // its deployment, read by CloudFront through origin access control), the checkout's executions (named after the
    // orders; read by what looks after stalled or cancelled orders).
    expect([...new Set(wildcards)].sort()).toEqual([
      'es:ESHttpDelete /products-*',
      'es:ESHttpDelete /products/_doc/*',
      'es:ESHttpPut /products-*',
      'es:ESHttpPut /products/_doc/*',
      's3:GetObject,s3:ListBucket /*',
      's3:PutObject /*',
      'states:DescribeExecution :execution:Shop-dev-Checkout:*',
      'states:DescribeExecution :execution:Shop-prod-Checkout:*',
    ]);
  });
});

describe('SES', () => {
  it('sends every email through a configuration set whose bounces and complaints reach the suppression list', () => {
    dev.dataTemplate.hasResourceProperties('AWS::SES::ConfigurationSetEventDestination', {
      EventDestination: Match.objectLike({
        MatchingEventTypes: ['bounce', 'complaint'],
        SnsDestination: { TopicARN: Match.anyValue() },
      }),
    });
    dev.dataTemplate.hasResourceProperties('AWS::SES::EmailIdentity', {
      EmailIdentity: 'no-reply@example.com',
      ConfigurationSetAttributes: { ConfigurationSetName: Match.anyValue() },
    });
    const notifications = dev.contextTemplates.get('notifications');
    if (!notifications) throw new Error('no notifications context');
    const functions = ofType(notifications, 'AWS::Lambda::Function');
    const recorder = functions.find(([, fn]) => String(fn.Properties.Description).endsWith('record-mail-feedback'));
    if (!recorder) throw new Error('no mail feedback recorder');
    expect(
      ofType(dev.apiTemplate, 'AWS::SNS::Subscription').length + ofType(notifications, 'AWS::SNS::Subscription').length,
    ).toBeGreaterThan(1);
    const subscription = [
      ...ofType(dev.apiTemplate, 'AWS::SNS::Subscription'),
      ...ofType(notifications, 'AWS::SNS::Subscription'),
    ].find(([, sub]) => sub.Properties.Protocol === 'lambda')?.[1];
    expect(subscription?.Properties.RedrivePolicy).toBeDefined();
    // The notifier reads the list; the recorder writes it; neither anything else of the platform table.
    const keysOf = (logicalId: string, action: string) =>
      statementsOf(notifications)
        .filter(
          ({ where, statement }) =>
            where.startsWith(
              ofType(notifications, 'AWS::IAM::Policy').find(([, p]) =>
                JSON.stringify(p.Properties.Roles).includes(
                  functions.find(([id]) => id === logicalId)?.[1].Properties.Role['Fn::GetAtt'][0],
                ),
              )?.[0] ?? '-',
            ) && actionsOf(statement).includes(action),
        )
        .flatMap(({ statement }) => statement.Condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys'] ?? []);
    expect(keysOf(recorder[0], 'dynamodb:PutItem')).toEqual(['SUPPRESSED#*']);
    const notifier = functions.find(([, fn]) => String(fn.Properties.Description).endsWith('send-notification'));
    if (!notifier) throw new Error('no notifier');
    expect(keysOf(notifier[0], 'dynamodb:GetItem')).toEqual(expect.arrayContaining(['SUPPRESSED#*']));
    expect(notifier[1].Properties.Environment.Variables.POWERTOOLS_METRICS_NAMESPACE).toBe('Shop-dev');
  });

  it('verifies the sesDomain with Easy DKIM and outputs its DNS records, only when given', () => {
    expect(ofType(dev.dataTemplate, 'AWS::SES::EmailIdentity')).toHaveLength(1);
    const withDomain = synth({ stage: 'prod', sesDomain: 'shop.example.com' });
    withDomain.dataTemplate.hasResourceProperties('AWS::SES::EmailIdentity', {
      EmailIdentity: 'shop.example.com',
      DkimAttributes: { SigningEnabled: true },
      ConfigurationSetAttributes: { ConfigurationSetName: Match.anyValue() },
    });
    expect(Object.keys(withDomain.rootTemplate.toJSON().Outputs)).toEqual(
      expect.arrayContaining(['DkimRecord1', 'DkimRecord2', 'DkimRecord3']),
    );
  });
});
