import type { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { actionsOf, type Json, ofType, policyStatementsOfFunction, synth } from './support';

const withSearch = synth({ enableOpenSearch: true, stage: 'prod' });
const without = synth();

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
    for (const handler of ['search/handlers/search-products', 'search/handlers/index-product']) {
      const [, fn] = searchFunction(template, handler);
      expect(JSON.stringify(fn.Properties.Environment.Variables.SEARCH_ENDPOINT)).toContain('DomainEndpoint');
    }
  });

  it('lets the search function only read _search, and the indexer write documents', () => {
    const template = withSearch.contextTemplates.get('search');
    const [searchId] = searchFunction(template, 'search/handlers/search-products');
    const reads = esStatements(template, searchId);
    expect(reads.flatMap(actionsOf).sort()).toEqual(['es:ESHttpGet', 'es:ESHttpPost']);
    expect(JSON.stringify(reads.map((s) => s.Resource))).toContain('/products/_search');

    const [indexerId] = searchFunction(template, 'search/handlers/index-product');
    expect(esStatements(template, indexerId).flatMap(actionsOf)).toEqual(
      expect.arrayContaining(['es:ESHttpPut', 'es:ESHttpDelete', 'es:ESHttpPost']),
    );
  });

  it('sets no endpoint and grants nothing without a domain', () => {
    const template = without.contextTemplates.get('search');
    const [searchId, fn] = searchFunction(template, 'search/handlers/search-products');
    expect(fn.Properties.Environment.Variables.SEARCH_ENDPOINT).toBeUndefined();
    expect(esStatements(template, searchId)).toEqual([]);
  });
});
