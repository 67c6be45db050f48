import { describe, expect, it } from 'vitest';
import { ofType, policyStatementsOfFunction, synth } from './support';

const dev = synth({ stage: 'dev' });
const prod = synth({ stage: 'prod' });

const authorizerOf = (s: ReturnType<typeof synth>) => {
  const found = ofType(s.apiTemplate, 'AWS::Lambda::Function').find(([, fn]) =>
    String(fn.Properties.Description).endsWith('users/handlers/http/authorizer'),
  );
  if (!found) throw new Error('no authorizer function');
  return found;
};

describe('identity in the stacks', () => {
  it('gives the authorizer the users and platform tables and the signing key, with the grants they need', () => {
    const [id, fn] = authorizerOf(dev);
    expect(Object.keys(fn.Properties.Environment.Variables)).toEqual(
      expect.arrayContaining(['USERS_TABLE', 'PLATFORM_TABLE', 'SIGNING_KEY_SECRET_ARN']),
    );
    const actions = policyStatementsOfFunction(dev.apiTemplate, id).flatMap((s) => [s.Action].flat());
    expect(actions).toEqual(
      expect.arrayContaining(['dynamodb:BatchGetItem', 'dynamodb:PutItem', 'secretsmanager:GetSecretValue']),
    );
    // The users table is read only; the platform table written only in the audit and alert partitions.
    const statements = policyStatementsOfFunction(dev.apiTemplate, id);
    const writes = statements.filter((s) => [s.Action].flat().includes('dynamodb:PutItem'));
    expect(JSON.stringify(writes.map((s) => s.Resource))).not.toContain('UsersTable');
    expect(writes.flatMap((s) => s.Condition['ForAllValues:StringLike']['dynamodb:LeadingKeys']).sort()).toEqual([
      'ALERT#*',
      'AUDIT#*',
    ]);
  });

  it('expires revoked sessions with the users table TTL', () => {
    dev.dataTemplate.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
  });

  it('loads the sample data and demo accounts in dev, never in prod', () => {
    const customResources = (s: typeof dev) => ofType(s.apiTemplate, 'AWS::CloudFormation::CustomResource');
    expect(customResources(dev).map(([id]) => id)).toContain('SampleData');
    expect(customResources(prod).map(([id]) => id)).not.toContain('SampleData');
    const loader = [...dev.contextTemplates.values()]
      .flatMap((template) => ofType(template, 'AWS::Lambda::Function'))
      .find(([, fn]) => String(fn.Properties.Description).endsWith('platform/handlers/deploy/seed-sample-data'));
    expect(loader).toBeDefined();
    const prodLoader = [...prod.contextTemplates.values()]
      .flatMap((template) => ofType(template, 'AWS::Lambda::Function'))
      .find(([, fn]) => String(fn.Properties.Description).endsWith('platform/handlers/deploy/seed-sample-data'));
    expect(prodLoader).toBeUndefined();
  });
});
