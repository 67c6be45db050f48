import { randomUUID } from 'node:crypto';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SearchEngine } from '../support/search-engine';
import { admin } from './fixtures';
import { call } from './http';
import { functionEnvironment } from './target';

/**
 * The deploy-time index setup (search/handlers/deploy/setup-index), run as CloudFormation would call it: its real
 * code against the target's catalog table, filling a search endpoint of its own that starts empty, as a
 * new OpenSearch domain does (the stage's own index is left alone).
 */
const search = new SearchEngine();
let handler: typeof import('../../functions/search/handlers/deploy/setup-index').handler;
let index: ReturnType<typeof import('../../functions/search/opensearch').defaultSearchIndex>;

const cfn = (RequestType: 'Create' | 'Update' | 'Delete', mapping: string, oldMapping?: string) =>
  ({
    RequestType,
    ServiceToken: 'arn:aws:lambda:us-east-1:000000000000:function:provider',
    ResponseURL: 'https://example.com/response',
    StackId: 'arn:aws:cloudformation:us-east-1:000000000000:stack/Shop-dev/1',
    RequestId: randomUUID(),
    LogicalResourceId: 'SearchIndex',
    ResourceType: 'AWS::CloudFormation::CustomResource',
    ResourceProperties: { ServiceToken: 'arn', mapping },
    ...(RequestType !== 'Create' && { PhysicalResourceId: 'product-search-index' }),
    ...(oldMapping !== undefined && { OldResourceProperties: { ServiceToken: 'arn', mapping: oldMapping } }),
  }) as CloudFormationCustomResourceEvent;

const find = async (text: string) => index.search({ text, sort: 'relevance', offset: 0, size: 5 });

let created: { id: string; name: string };
beforeAll(async () => {
  Object.assign(process.env, functionEnvironment(), {
    SEARCH_ENDPOINT: await search.start(),
    POWERTOOLS_LOG_LEVEL: 'WARN',
  });
  ({ handler } = await import('../../functions/search/handlers/deploy/setup-index'));
  index = (await import('../../functions/search/opensearch')).defaultSearchIndex();
  const name = `Setup Lantern ${randomUUID().slice(0, 8)}`;
  const reply = await call<{ id: string; name: string }>('/api/v1/products', {
    method: 'POST',
    token: await admin(),
    json: {
      sku: `SETUP-${randomUUID().slice(0, 8)}`,
      name,
      description: 'A lamp',
      price: 19.5,
      category: 'Electronics',
      brand: 'Glow',
    },
  });
  expect(reply.status).toBe(201);
  created = reply.body;
});
afterAll(() => search.stop());

describe('the search index setup on deploy', () => {
  it('searches find nothing, without an error, before the index exists', async () => {
    expect(await find('ultrabook')).toMatchObject({ hits: [], total: 0 });
  });

  it('creates the index and fills it with every live product of the table', async () => {
    const result = await handler(cfn('Create', 'm1'));
    expect(result.PhysicalResourceId).toBe('product-search-index');
    expect(result.Data?.indexed).toBeGreaterThanOrEqual(13);
    expect((await find('ultrabok')).hits[0]?.id).toBe('prod-laptop-001');
    expect((await find(created.name)).hits[0]?.id).toBe(created.id);
    expect(search.stats().products).toBe(result.Data?.indexed);
  });

  it('writes the documents again on an update of the same mapping, and rebuilds on a new one', async () => {
    // A document the table does not hold (as if its delete event were lost).
    const stray = { ...(await find('ultrabook')).hits[0], id: 'prod-stray', name: 'Stray Gadget' } as never;
    await index.upsert(stray);

    const refill = await handler(cfn('Update', 'm1', 'm1'));
    expect((await find('stray gadget')).hits.map((hit) => hit.id)).toContain('prod-stray');
    // Every live product written again, the stray kept; and so are the documents of products other test files
    // deleted from the shared catalog since the index was created (a rewrite removes nothing).
    expect(search.stats().products).toBeGreaterThanOrEqual(Number(refill.Data?.indexed) + 1);

    const rebuild = await handler(cfn('Update', 'm2', 'm1'));
    expect((await find('stray gadget')).hits.map((hit) => hit.id)).not.toContain('prod-stray');
    expect(search.stats().products).toBe(rebuild.Data?.indexed);
    expect((await find('ultrabok')).hits[0]?.id).toBe('prod-laptop-001');
  });

  it('keeps one concrete index under the alias, a new one after each rebuild', async () => {
    const aliasTargets = async () =>
      Object.keys((await (await fetch(`${process.env.SEARCH_ENDPOINT}/_alias/products`)).json()) as object);
    const [before] = await aliasTargets();
    await handler(cfn('Update', 'm3', 'm2'));
    const after = await aliasTargets();
    expect(after).toHaveLength(1);
    expect(after[0]).not.toBe(before);
    expect((await fetch(`${process.env.SEARCH_ENDPOINT}/${before}`, { method: 'HEAD' })).status).toBe(404);
  });

  it('finds the products changed since a moment, deleted ones included, for the rebuild to bring over', async () => {
    const since = new Date(Date.now() - 1000).toISOString();
    const token = await admin();
    expect((await call(`/api/v1/products/${created.id}`, { method: 'PUT', token, json: { price: 21 } })).status).toBe(
      200,
    );
    expect((await call(`/api/v1/products/${created.id}`, { method: 'DELETE', token })).status).toBe(204);
    const { catalogSource } = await import('../../functions/search/deps');
    const changed = [];
    for await (const page of catalogSource.changedSince(since)) changed.push(...page);
    const mine = changed.find((product) => product.id === created.id);
    expect(mine?.priceCents).toBe(2100);
    expect(mine?.deletedAt).toBeDefined();
    expect(changed.every((product) => product.updatedAt >= since)).toBe(true);
    expect(changed.map((product) => product.id)).not.toContain('prod-laptop-001');
  });

  it('leaves the index alone when the resource is deleted', async () => {
    const before = search.stats().products;
    expect(await handler(cfn('Delete', 'm2'))).toEqual({ PhysicalResourceId: 'product-search-index' });
    expect(search.stats().products).toBe(before);
  });
});
