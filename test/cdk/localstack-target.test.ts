import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Construct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { createShopStacks } from '../../lib/app';
import { type AppConfig, ConfigError, readAppConfig } from '../../lib/app-config';
import {
  adaptationsFor,
  LOCALSTACK_OUTPUT,
  type LocalStackOptions,
  localStackAdaptations,
  targetDifferences,
} from '../../lib/spec/localstack';
import { baseConfig, type Json, unbundledApp } from './support';

/** Every template of the app (the root and each nested stack, however deep), by construct path. */
const templatesOf = (config: AppConfig): Map<string, Json> => {
  const { root } = createShopStacks(unbundledApp(), config);
  const stacks = root.node.findAll().filter((construct): construct is Stack => Stack.isStack(construct));
  return new Map(stacks.map((stack) => [stack.node.path, Template.fromStack(stack).toJSON()]));
};

/** Leaf paths where two values differ, array items as `*` (`Statement.*.Resource.*`). */
const changedPaths = (a: Json, b: Json, path = ''): string[] => {
  const at = (key: string) => (path ? `${path}.${key}` : key);
  if (Array.isArray(a) && Array.isArray(b)) {
    const length = Math.max(a.length, b.length);
    return Array.from({ length }, (_, i) => changedPaths(a[i], b[i], at('*'))).flat();
  }
  const isObject = (value: Json) => value !== null && typeof value === 'object' && !Array.isArray(value);
  if (isObject(a) && isObject(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].flatMap((key) => changedPaths(a[key], b[key], at(key)));
  }
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [path];
};

/**
 * A path as far as the template's own structure goes, a list's items as the list: up to the first intrinsic function (what a reference points
 * at is its target's business), a nested stack's parameters as a whole (their names are generated), and nothing
 * under its TemplateURL (its template's asset hash, whose own differences are reported).
 */
const normalized = (type: string, path: string): string | undefined => {
  const segments = path.replace(/^Properties\./, '').split('.');
  const end = segments.findIndex((segment) => segment === 'Ref' || segment.startsWith('Fn::'));
  const kept = end === -1 ? segments : segments.slice(0, end);
  while (kept.length > 1 && kept.at(-1) === '*') kept.pop();
  if (type === 'AWS::CloudFormation::Stack') {
    if (kept[0] === 'TemplateURL') return undefined;
    if (kept[0] === 'Parameters') return 'Parameters';
  }
  return kept.join('.');
};

/**
 * How the `target` templates differ from the `base` ones, in lib/spec/localstack.ts's terms. A nested stack's
 * TemplateURL follows its template's asset hash, so a change inside it is reported there, not again on its parent.
 */
const differences = (base: Map<string, Json>, target: Map<string, Json>): string[] => {
  const found = new Set<string>();
  const [rootPath] = base.keys();
  for (const [path, before] of base) {
    const after = target.get(path);
    if (!after) {
      found.add(`removed template ${path.split('/').pop()}`);
      continue;
    }
    const resources = (template: Json): Record<string, Json> => template.Resources ?? {};
    for (const [id, resource] of Object.entries(resources(before))) {
      const now = resources(after)[id];
      if (!now) {
        found.add(`removed ${resource.Type}`);
        continue;
      }
      const { Metadata: _m1, ...was } = resource;
      const { Metadata: _m2, ...is } = now;
      for (const changed of changedPaths(was, is)) {
        const path = normalized(resource.Type, changed);
        if (path !== undefined) found.add(`changed ${resource.Type} ${path}`);
      }
    }
    for (const [id, resource] of Object.entries(resources(after))) {
      if (!resources(before)[id]) found.add(`added ${resource.Type}`);
    }
    // The root's outputs by name (the contract with whoever reads them); a nested stack's by kind (CDK names them).
    const named = (name: string) => (path === rootPath ? ` ${name}` : '');
    for (const section of ['Outputs', 'Parameters'] as const) {
      const word = section === 'Outputs' ? 'output' : 'parameter';
      const names = (template: Json) => Object.keys(template[section] ?? {});
      for (const name of names(before)) if (!names(after).includes(name)) found.add(`removed ${word}${named(name)}`);
      for (const name of names(after)) if (!names(before).includes(name)) found.add(`added ${word}${named(name)}`);
    }
  }
  for (const path of target.keys()) if (!base.has(path)) found.add(`added template ${path.split('/').pop()}`);
  return [...found].sort();
};

const expectedFor = (options: LocalStackOptions): string[] =>
  [
    ...new Set([...targetDifferences, ...adaptationsFor(options).flatMap((adaptation) => adaptation.differences)]),
  ].sort();

const PRO: LocalStackOptions = { edition: 'pro', architecture: 'x86_64' };
const COMMUNITY: LocalStackOptions = { edition: 'community', architecture: 'x86_64' };

// One synth per target, shared by the tests below.
const dev = templatesOf(baseConfig);
const localstack = new Map(
  [PRO, COMMUNITY].map((options) => [
    options,
    templatesOf({ ...baseConfig, target: 'localstack', localstack: options }),
  ]),
);
const templates = (options: LocalStackOptions) => localstack.get(options) as Map<string, Json>;

/** Resource types with no CloudFormation provider in the community edition (localstack/localstack 4.14's sources). */
const NOT_IN_COMMUNITY = [
  /^AWS::ApiGateway::Authorizer$/,
  /^AWS::CloudFront::/,
  /^AWS::WAFv2::/,
  /^AWS::CloudWatch::Dashboard$/,
  /^AWS::Events::Archive$/,
  /^AWS::SES::/,
  // The web app upload runs the AWS CLI from a Lambda layer, which the community edition does not mount.
  /^AWS::Lambda::LayerVersion$/,
  /^Custom::CDKBucketDeployment$/,
];

const typesOf = (all: Map<string, Json>): Set<string> =>
  new Set([...all.values()].flatMap((template) => Object.values<Json>(template.Resources ?? {}).map((r) => r.Type)));

const configOf = (context: Record<string, unknown>) =>
  readAppConfig(
    new Construct(unbundledApp({ stage: 'dev', sesSender: 'no-reply@example.com', ...context }), 'Probe').node,
  );

describe('the localstack target', () => {
  it.each([PRO, COMMUNITY])(
    'differs from the dev stage exactly as its adaptations declare ($edition, $architecture)',
    (options) => {
      expect(differences(dev, templates(options))).toEqual(expectedFor(options));
    },
  );

  it('leaves out, on the community edition, every resource type that edition has no provider for', () => {
    const types = [...typesOf(templates(COMMUNITY))];
    expect(types.filter((type) => NOT_IN_COMMUNITY.some((pattern) => pattern.test(type)))).toEqual([]);
    // ...which the dev stage has, and the pro target keeps but for the sender identity.
    const kept = [...typesOf(templates(PRO))].filter((type) => NOT_IN_COMMUNITY.some((pattern) => pattern.test(type)));
    expect(kept).toEqual(expect.arrayContaining(['AWS::ApiGateway::Authorizer', 'AWS::WAFv2::WebACL']));
    expect(kept).not.toContain('AWS::SES::EmailIdentity');
  });

  it('names its adaptations in an output, in the order of lib/spec/localstack.ts', () => {
    const root = [...templates(COMMUNITY).values()][0];
    expect(root.Outputs[LOCALSTACK_OUTPUT].Value).toBe(
      adaptationsFor(COMMUNITY)
        .map((a) => a.name)
        .join(','),
    );
    expect(root.Outputs.ApiUrl).toBeDefined();
  });

  it('declares each adaptation with a reason, a change and the differences it makes on some edition', () => {
    const names = localStackAdaptations.map((adaptation) => adaptation.name);
    expect(new Set(names).size).toBe(names.length);
    const anywhere = new Set([...expectedFor(PRO), ...expectedFor(COMMUNITY)]);
    for (const adaptation of localStackAdaptations) {
      expect(adaptation.why.length, adaptation.name).toBeGreaterThan(40);
      expect(adaptation.change.length, adaptation.name).toBeGreaterThan(20);
      expect(adaptation.differences.length, adaptation.name).toBeGreaterThan(0);
      for (const difference of adaptation.differences) expect(anywhere, adaptation.name).toContain(difference);
    }
    // An ARM64 host runs the functions as they are.
    expect(adaptationsFor({ ...COMMUNITY, architecture: 'arm64' }).map((a) => a.name)).not.toContain(
      'functions-on-host-architecture',
    );
  });
});

describe('the target context', () => {
  it('is aws unless given, and localstack takes an edition (pro unless given) and an architecture', () => {
    expect(configOf({}).target).toBe('aws');
    expect(configOf({}).localstack).toBeUndefined();
    expect(configOf({ target: 'localstack' }).localstack).toEqual({ edition: 'pro', architecture: 'x86_64' });
    expect(
      configOf({ target: 'localstack', localstackEdition: 'community', localstackArchitecture: 'arm64' }).localstack,
    ).toEqual({ edition: 'community', architecture: 'arm64' });
  });

  it('refuses an unknown value, LocalStack options without the target, and a prod stage for LocalStack', () => {
    expect(() => configOf({ target: 'gcp' })).toThrow(/"target" must be one of aws, localstack/);
    expect(() => configOf({ target: 'localstack', localstackEdition: 'free' })).toThrow(/"localstackEdition"/);
    expect(() => configOf({ localstackEdition: 'pro' })).toThrow(ConfigError);
    expect(() => configOf({ target: 'localstack', stage: 'prod' })).toThrow(/dev stage only/);
  });
});
