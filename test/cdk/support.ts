import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App, type NestedStack, type Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { BUNDLING_STACKS } from 'aws-cdk-lib/cx-api';
import { afterAll } from 'vitest';
import { createShopStacks, type ShopTables } from '../../lib/app';
import type { AppConfig } from '../../lib/app-config';
import type { Storefront } from '../../lib/constructs/storefront';
import type { StatefulStack } from '../../lib/stateful-stack';
import type { StatelessStack } from '../../lib/stateless-stack';

// biome-ignore lint/suspicious/noExplicitAny: CloudFormation JSON
export type Json = any;

export const baseConfig: AppConfig = {
  stage: 'dev',
  sesSender: 'no-reply@example.com',
  // As cdk.json: the search domain is on unless a stage switches it off.
  enableOpenSearch: true,
  corsOrigins: [],
};

/** An app that skips esbuild (aws:cdk:bundling-stacks = []): templates are the same, synth takes milliseconds. */
// Every App writes its assembly somewhere: under one temporary folder per test file, removed after it.
const OUT_ROOT = mkdtempSync(path.join(tmpdir(), 'shop-cdk-test-'));
afterAll(() => rmSync(OUT_ROOT, { recursive: true, force: true }));

export const unbundledApp = (context: Record<string, unknown> = {}) =>
  new App({ outdir: mkdtempSync(path.join(OUT_ROOT, 'app-')), context: { [BUNDLING_STACKS]: [], ...context } });

export interface Synth {
  /** `Shop-<stage>`, the top-level stack. */
  root: Stack;
  /** Its `Data`, `Api` and `Web` nested stacks. */
  data: StatefulStack;
  api: StatelessStack;
  web: NestedStack;
  storefront: Storefront;
  rootTemplate: Template;
  dataTemplate: Template;
  apiTemplate: Template;
  webTemplate: Template;
  /** Nested stack (in the Api stack) per bounded context, by context name. */
  contextTemplates: Map<string, Template>;
}

export interface SynthOptions extends Partial<AppConfig>, ShopTables {}

/** The stage's stacks as the app builds them (createShopStacks), without bundling. */
export const synth = (options: SynthOptions = {}): Synth => {
  const { routes, eventRules, stateMachines, authorizer, ...rest } = options;
  const config = { ...baseConfig, ...rest };
  const { root, data, api, web, storefront } = createShopStacks(unbundledApp(), config, {
    routes,
    eventRules,
    stateMachines,
    authorizer,
  });
  const contextTemplates = new Map<string, Template>();
  for (const [name, context] of api.contexts) contextTemplates.set(name, Template.fromStack(context));
  return {
    root,
    data,
    api,
    web,
    storefront,
    rootTemplate: Template.fromStack(root),
    dataTemplate: Template.fromStack(data),
    apiTemplate: Template.fromStack(api),
    webTemplate: Template.fromStack(web),
    contextTemplates,
  };
};

export const resourcesOf = (template: Template): Record<string, Json> => template.toJSON().Resources ?? {};

export const resourceCount = (template: Template): number => Object.keys(resourcesOf(template)).length;

/**
 * The platform's own functions (ServiceFunction sets POWERTOOLS_SERVICE_NAME), not those CDK adds
 * for its own machinery, such as the custom-resource provider framework.
 */
export const isServiceFunction = (resource: Json): boolean =>
  resource.Type === 'AWS::Lambda::Function' &&
  typeof resource.Properties?.Environment?.Variables?.POWERTOOLS_SERVICE_NAME === 'string';

export const ofType = (template: Template, type: string): [string, Json][] =>
  Object.entries(resourcesOf(template)).filter(([, resource]) => resource.Type === type);

/**
 * Every template of a synth, by construct path (a nested stack's name is a deploy-time token): the root,
 * its Data, Api and Web nested stacks, and the Api stack's context stacks.
 */
export const allTemplates = (s: Synth): [string, Template][] => [
  [s.root.node.path, s.rootTemplate],
  [s.data.node.path, s.dataTemplate],
  [s.api.node.path, s.apiTemplate],
  [s.web.node.path, s.webTemplate],
  ...[...s.contextTemplates].map(([name, template]): [string, Template] => [`${s.api.node.path}/${name}`, template]),
];

/** Logical id of the parent's AWS::CloudFormation::Stack resource for a nested stack. */
export const nestedStackLogicalId = (s: Synth, context: NestedStack): string => {
  const resource = context.nestedStackResource;
  if (!resource) throw new Error('not a nested stack');
  return s.api.getLogicalId(resource);
};

/**
 * Full path of every API Gateway resource in the parent stack (`/api/v1/products/{id}`), by logical id,
 * following ParentId up to the REST API's root.
 */
export const resourcePaths = (apiTemplate: Template): Map<string, string> => {
  const resources = resourcesOf(apiTemplate);
  const paths = new Map<string, string>();
  const pathOf = (logicalId: string): string => {
    const known = paths.get(logicalId);
    if (known) return known;
    const resource = resources[logicalId];
    const parent = resource.Properties.ParentId;
    const parentPath = parent['Fn::GetAtt']?.[1] === 'RootResourceId' ? '' : pathOf(parent.Ref);
    const path = `${parentPath}/${resource.Properties.PathPart}`;
    paths.set(logicalId, path);
    return path;
  };
  for (const [logicalId, resource] of Object.entries(resources)) {
    if (resource.Type === 'AWS::ApiGateway::Resource') pathOf(logicalId);
  }
  return paths;
};

export interface RouteView {
  context: string;
  method: string;
  path: string;
  authorizationType: string;
  /** Logical id, in the parent stack, of the authorizer the method uses. */
  authorizer?: string;
  /** `<context>/<logical id>` of the integrated function. */
  functionKey: string;
  function: Json;
}

/** Each method of every context, resolved to its path (through the nested stack's parameters) and its function. */
export const routesOf = (s: Synth): RouteView[] => {
  const paths = resourcePaths(s.apiTemplate);
  const parent = resourcesOf(s.apiTemplate);
  const views: RouteView[] = [];
  for (const [name, template] of s.contextTemplates) {
    const context = s.api.contexts.get(name) as NestedStack;
    const parameters = parent[nestedStackLogicalId(s, context)].Properties.Parameters ?? {};
    const fromParent = (value: Json): string => {
      const ref = parameters[value.Ref]?.Ref;
      if (!ref) throw new Error(`${JSON.stringify(value)} is not a parameter passed by the parent`);
      return ref;
    };
    const resources = resourcesOf(template);
    for (const [, method] of ofType(template, 'AWS::ApiGateway::Method')) {
      const props = method.Properties;
      const join: Json[] = props.Integration.Uri['Fn::Join'][1];
      const fnLogicalId = join.find((part) => part?.['Fn::GetAtt'])['Fn::GetAtt'][0];
      const resourceLogicalId = fromParent(props.ResourceId);
      views.push({
        context: name,
        method: props.HttpMethod,
        path: paths.get(resourceLogicalId) ?? '?',
        authorizationType: props.AuthorizationType,
        authorizer: props.AuthorizerId ? fromParent(props.AuthorizerId) : undefined,
        functionKey: `${name}/${fnLogicalId}`,
        function: resources[fnLogicalId],
      });
    }
  }
  return views;
};

/** Every policy statement anywhere in a template (IAM policies, inline role policies, resource policies). */
export const statementsOf = (template: Template): { where: string; statement: Json }[] => {
  const found: { where: string; statement: Json }[] = [];
  const walk = (node: Json, where: string) => {
    if (Array.isArray(node)) {
      node.forEach((child, i) => {
        walk(child, `${where}[${i}]`);
      });
      return;
    }
    if (node === null || typeof node !== 'object') return;
    if ('Statement' in node && ('Version' in node || Array.isArray(node.Statement))) {
      for (const statement of [node.Statement].flat()) found.push({ where, statement });
      return;
    }
    for (const [key, child] of Object.entries(node)) walk(child, `${where}.${key}`);
  };
  for (const [logicalId, resource] of Object.entries(resourcesOf(template))) walk(resource.Properties, logicalId);
  return found;
};

export const actionsOf = (statement: Json): string[] => [statement.Action ?? [], statement.NotAction ?? []].flat();

/** Statements of the policies attached to the role of the function `fnLogicalId` (same template). */
export const policyStatementsOfFunction = (template: Template, fnLogicalId: string): Json[] => {
  const fn = resourcesOf(template)[fnLogicalId];
  const roleLogicalId = fn.Properties.Role['Fn::GetAtt'][0];
  return ofType(template, 'AWS::IAM::Policy')
    .filter(([, policy]) => policy.Properties.Roles.some((role: Json) => role.Ref === roleLogicalId))
    .flatMap(([, policy]) => [policy.Properties.PolicyDocument.Statement].flat());
};

export const logicalIdOf = (template: Template, predicate: (resource: Json) => boolean): string => {
  const match = Object.entries(resourcesOf(template)).find(([, resource]) => predicate(resource));
  if (!match) throw new Error('no such resource');
  return match[0];
};

/**
 * Logical ids of the function and role CDK adds for a bucket's `autoDeleteObjects` (the dev stage's web
 * bucket), if the template has one. CDK's own machinery, run only when the stack deletes the bucket: its grant
 * in the bucket policy uses wildcard actions, and its function logs to Lambda's default log group.
 */
export const autoDeleteProviderOf = (template: Template): { handler?: string; role?: string } => {
  const [, resource] = ofType(template, 'Custom::S3AutoDeleteObjects')[0] ?? [];
  if (!resource) return {};
  const handler: string = resource.Properties.ServiceToken['Fn::GetAtt'][0];
  return { handler, role: resourcesOf(template)[handler].Properties.Role['Fn::GetAtt'][0] };
};
