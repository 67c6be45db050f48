import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import type { App } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { ConfigError, readAppConfig } from '../../lib/app-config';
import { PROJECT_ROOT } from '../../lib/constructs/service-function';
import { pascalCase } from '../../lib/spec/naming';
import { stateMachines } from '../../lib/spec/state-machines';
import { tableNames } from '../../lib/spec/tables';
import { testRoutes } from './fixtures';
import { type Json, resourcesOf, synth, unbundledApp } from './support';

const run = promisify(execFile);

const configOf = (context: Record<string, unknown>) => {
  const node = new Construct(unbundledApp(context), 'Probe').node;
  return readAppConfig(node);
};
const valid = { stage: 'dev', sesSender: 'no-reply@example.com' };

describe('app context', () => {
  it('accepts dev and prod, and refuses any other stage with a message naming the key and the choices', () => {
    expect(configOf({ ...valid, stage: 'prod' }).stage).toBe('prod');
    expect(() => configOf({ ...valid, stage: 'staging' })).toThrow(ConfigError);
    expect(() => configOf({ ...valid, stage: 'staging' })).toThrow(
      /"stage" must be one of dev, prod \(got "staging"\)/,
    );
    expect(() => configOf({ sesSender: valid.sesSender })).toThrow(/"stage"/);
  });

  it('requires the SES sender to be an email address', () => {
    expect(() => configOf({ stage: 'dev' })).toThrow(/"sesSender"/);
    expect(() => configOf({ ...valid, sesSender: 'not-an-email' })).toThrow(/"sesSender"/);
  });

  it('reads enableOpenSearch as a boolean or as the string the CLI passes, on when absent', () => {
    expect(configOf(valid).enableOpenSearch).toBe(true);
    expect(configOf({ ...valid, enableOpenSearch: false }).enableOpenSearch).toBe(false);
    expect(configOf({ ...valid, enableOpenSearch: true }).enableOpenSearch).toBe(true);
    expect(configOf({ ...valid, enableOpenSearch: 'true' }).enableOpenSearch).toBe(true);
    expect(configOf({ ...valid, enableOpenSearch: 'FALSE' }).enableOpenSearch).toBe(false);
    expect(() => configOf({ ...valid, enableOpenSearch: 'yes' })).toThrow(/"enableOpenSearch" must be true or false/);
  });

  it('reads corsOrigins as a list or a comma-separated string of origins, never a wildcard or a path', () => {
    expect(configOf(valid).corsOrigins).toEqual([]);
    expect(configOf({ ...valid, corsOrigins: 'https://a.example.com, http://localhost:3000' }).corsOrigins).toEqual([
      'https://a.example.com',
      'http://localhost:3000',
    ]);
    expect(configOf({ ...valid, corsOrigins: ['https://a.example.com'] }).corsOrigins).toEqual([
      'https://a.example.com',
    ]);
    expect(() => configOf({ ...valid, corsOrigins: '*' })).toThrow(/"corsOrigins"/);
    expect(() => configOf({ ...valid, corsOrigins: 'https://a.example.com/shop' })).toThrow(/"corsOrigins"/);
  });

  it('makes bin/app.ts exit with the message, not a stack trace, on a bad stage', async () => {
    const failure = await run(path.join(PROJECT_ROOT, 'node_modules/.bin/tsx'), ['bin/app.ts'], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, CDK_CONTEXT_JSON: JSON.stringify({ ...valid, stage: 'qa' }) },
    }).then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure?.code).toBe(1);
    expect(failure?.stderr).toContain('Context "stage" must be one of dev, prod (got "qa")');
    expect(failure?.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('the stage: one top-level stack with Data, Api and Web nested stacks', () => {
  const dev = synth();
  const prod = synth({ stage: 'prod', enableOpenSearch: true });

  it('has one top-level stack per stage, Shop-<stage>, so that the CLI needs no stack name', () => {
    for (const [s, name] of [
      [dev, 'Shop-dev'],
      [prod, 'Shop-prod'],
    ] as const) {
      expect(s.root.stackName).toBe(name);
      const app = s.root.node.root as App;
      expect(app.synth().stacks.map((stack) => stack.stackName)).toEqual([name]);
      expect(s.data.nestedStackParent).toBe(s.root);
      expect(s.api.nestedStackParent).toBe(s.root);
      expect(s.web.nestedStackParent).toBe(s.root);
      expect(s.data.node.id).toBe('Data');
      expect(s.api.node.id).toBe('Api');
      expect(s.web.node.id).toBe('Web');
    }
  });

  it('protects the prod root stack (and so its nested stacks) from termination, and not dev', () => {
    expect(prod.root.terminationProtection).toBe(true);
    expect(dev.root.terminationProtection).toBe(false);
  });

  it('keeps the root to the three nested stacks, Api using Data and Web using Api through parameters', () => {
    const resources = Object.entries(resourcesOf(dev.rootTemplate)).filter(([, r]) => r.Type !== 'AWS::CDK::Metadata');
    expect(resources.map(([, r]) => r.Type)).toEqual(Array(3).fill('AWS::CloudFormation::Stack'));
    const dataId = dev.root.getLogicalId(dev.data.nestedStackResource as never);
    const apiId = dev.root.getLogicalId(dev.api.nestedStackResource as never);
    const webId = dev.root.getLogicalId(dev.web.nestedStackResource as never);
    for (const [stack, from] of [
      [apiId, dataId],
      [webId, apiId],
    ]) {
      const parameters = resourcesOf(dev.rootTemplate)[stack as string].Properties.Parameters;
      expect(Object.keys(parameters).length).toBeGreaterThan(0);
      for (const value of Object.values(parameters) as Json[]) expect(value['Fn::GetAtt'][0]).toBe(from);
    }
    // Nested references: no CloudFormation export anywhere, hence no export that blocks a change.
    const all = [
      dev.rootTemplate,
      dev.dataTemplate,
      dev.apiTemplate,
      dev.webTemplate,
      ...dev.contextTemplates.values(),
    ];
    for (const template of all) {
      expect(JSON.stringify(template.toJSON())).not.toContain('Fn::ImportValue');
      for (const output of Object.values(template.toJSON().Outputs ?? {}) as Json[])
        expect(output.Export).toBeUndefined();
    }
  });

  it('gives the Data stack no parameter, so an API change never updates its resources', () => {
    const dataId = dev.root.getLogicalId(dev.data.nestedStackResource as never);
    expect(resourcesOf(dev.rootTemplate)[dataId].Properties.Parameters).toBeUndefined();
    expect(dev.dataTemplate.toJSON().Parameters).toBeUndefined();
    // Another route table (new bindings, more contexts) leaves every Data resource as it was; at most the
    // Data stack gains outputs for the attributes the API starts to use.
    expect(resourcesOf(synth({ routes: testRoutes }).dataTemplate)).toEqual(resourcesOf(dev.dataTemplate));
  });

  it('surfaces the API and storefront URLs, tables, bus, signing key, state machines and search endpoint on the root, where cdk deploy prints them', () => {
    const machines = stateMachines.map((spec) => `${spec.name}StateMachineArn`);
    const tableOutputs = tableNames.map((name) => `${pascalCase(name)}TableName`);
    expect(Object.keys(dev.rootTemplate.toJSON().Outputs).sort()).toEqual(
      [
        'AdminEmail',
        'AlarmTopicArn',
        'ApiUrl',
        'EventBusName',
        'SearchEndpoint',
        'SigningKeySecretArn',
        'StorefrontUrl',
        ...tableOutputs,
        ...machines,
      ].sort(),
    );
    // bin/create-admin.ts reads the users table's name from the root stack, Shop-<stage>.
    expect(dev.rootTemplate.toJSON().Outputs.UsersTableName.Value['Fn::GetAtt'][0]).toBe(
      dev.root.getLogicalId(dev.data.nestedStackResource as never),
    );
    const withoutSearch = synth({ stage: 'dev', enableOpenSearch: false });
    expect(Object.keys(withoutSearch.rootTemplate.toJSON().Outputs)).not.toContain('SearchEndpoint');
  });

  it('tags the nested stacks and their resources with the project and the stage', () => {
    const tags = [
      { Key: 'project', Value: 'shop' },
      { Key: 'stage', Value: 'prod' },
    ];
    for (const [, stack] of Object.entries(resourcesOf(prod.rootTemplate)).filter(
      ([, r]) => r.Type === 'AWS::CloudFormation::Stack',
    )) {
      expect(stack.Properties.Tags).toEqual(expect.arrayContaining(tags));
    }
    const [, table] =
      Object.entries(resourcesOf(prod.dataTemplate)).find(([, r]) => r.Type === 'AWS::DynamoDB::Table') ?? [];
    expect(table.Properties.Tags).toEqual(expect.arrayContaining(tags));
  });
});
