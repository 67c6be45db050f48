import { createHash } from 'node:crypto';
import type { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { indexDefinition } from '../../lib/spec/search-index';
import { actionsOf, type Json, ofType, policyStatementsOfFunction, routesOf, synth } from './support';

const withSearch = synth({ stage: 'prod' });
const dev = synth({ stage: 'dev' });
const without = synth({ stage: 'dev', enableOpenSearch: false });

const searchFunction = (template: Template | undefined, handler: string): [string, Json] => {
  const found = ofType(template as Template, 'AWS::Lambda::Function').find(([, fn]) =>
    String(fn.Properties.Description).endsWith(handler),
  );
  if (!found) throw new Error(`no ${handler} function`);
  return found;
};

const esStatements = (template: Template | undefined, logicalId: string) =>
  policyStatementsOfFunction(template as Template, logicalId).filter((s) =>
    actionsOf(s).some((a) => a.startsWith('es:')),
  );

describe('product search in CDK', () => {
  it('gives the search and indexer functions the domain endpoint when OpenSearch is enabled', () => {
    const template = withSearch.contextTemplates.get('search');
    for (const handler of ['search/handlers/http/search-products', 'search/handlers/events/index-product']) {
      const [, fn] = searchFunction(template, handler);
      expect(JSON.stringify(fn.Properties.Environment.Variables.SEARCH_ENDPOINT)).toContain('DomainEndpoint');
    }
  });

  it('lets the search function only read _search, and the indexer write documents', () => {
    const template = withSearch.contextTemplates.get('search');
    const [searchId] = searchFunction(template, 'search/handlers/http/search-products');
    const reads = esStatements(template, searchId);
    expect(reads.flatMap(actionsOf).sort()).toEqual(['es:ESHttpGet', 'es:ESHttpPost']);
    expect(JSON.stringify(reads.map((s) => s.Resource))).toContain('/products/_search');

    const [indexerId] = searchFunction(template, 'search/handlers/events/index-product');
    const indexer = esStatements(template, indexerId);
    expect(indexer.flatMap(actionsOf).sort()).toEqual([
      'es:ESHttpDelete',
      'es:ESHttpGet',
      'es:ESHttpHead',
      'es:ESHttpPut',
    ]);
    // The paths it calls (documents, its own concrete indexes, the alias), never the whole domain or _bulk.
    const paths = JSON.stringify(indexer.map((s) => s.Resource));
    expect(paths).toContain('/products/_doc/*');
    expect(paths).toContain('/_alias/products');
    expect(paths).not.toContain('"/*"');
    expect(paths).not.toMatch(/_bulk|_aliases/);
  });

  it('creates and fills the index on deploy, rebuilding it when the mapping changes', () => {
    const [, resource] = ofType(withSearch.apiTemplate, 'AWS::CloudFormation::CustomResource').find(
      ([id]) => id === 'SearchIndex',
    ) ?? [undefined, undefined];
    expect(resource?.Properties.mapping).toBe(
      createHash('sha256').update(JSON.stringify(indexDefinition)).digest('hex'),
    );
    const template = withSearch.contextTemplates.get('search');
    const [setupId, fn] = searchFunction(template, 'search/handlers/deploy/setup-index');
    expect(fn.Properties.Environment.Variables).toHaveProperty('CATALOG_TABLE');
    expect(JSON.stringify(fn.Properties.Environment.Variables.SEARCH_ENDPOINT)).toContain('DomainEndpoint');
    const setup = esStatements(template, setupId);
    expect(setup.flatMap(actionsOf)).toEqual(
      expect.arrayContaining(['es:ESHttpHead', 'es:ESHttpPut', 'es:ESHttpDelete', 'es:ESHttpPost']),
    );
    const posts = JSON.stringify(setup.filter((s) => actionsOf(s).includes('es:ESHttpPost')).map((s) => s.Resource));
    expect(posts).toContain('/_bulk');
    expect(posts).toContain('/_aliases');
    expect(posts).not.toContain('/_search');
  });

  it('fills the dev index after the sample data is loaded, and again whenever the sample data changes', () => {
    const resources = dev.apiTemplate.toJSON().Resources as Record<string, Json>;
    expect(resources.SearchIndex.DependsOn).toContain('SampleData');
    expect(resources.SearchIndex.Properties.sampleData).toBe(resources.SampleData.Properties.version);
    const prodIndex = (withSearch.apiTemplate.toJSON().Resources as Record<string, Json>).SearchIndex;
    expect(prodIndex.Properties).not.toHaveProperty('sampleData');
  });

  it('has no search route, indexer or index setup without a domain', () => {
    const handlers = [...without.contextTemplates.values()]
      .flatMap((template) => ofType(template, 'AWS::Lambda::Function'))
      .map(([, fn]) => String(fn.Properties.Description));
    expect(handlers.filter((description) => description.includes('search/handlers/'))).toEqual([]);
    expect(without.contextTemplates.has('search')).toBe(false);
    expect(routesOf(without).map((route) => route.path)).not.toContain('/api/v1/search');
    expect(routesOf(withSearch).map((route) => route.path)).toContain('/api/v1/search');
    expect(ofType(without.apiTemplate, 'AWS::CloudFormation::CustomResource').map(([id]) => id)).toEqual([
      'SampleData',
    ]);
  });
});
