import { CreateTableCommand, DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tables } from '../../../lib/spec/tables';
import { createTableInput, createTables, DYNAMO_CORS_ALLOW_LIST, localTableName } from '../../../local/dynamodb';
import { type LocalTables, startLocalDynamo } from '../support/dynamo-local';

let local: LocalTables;

beforeAll(async () => {
  local = await startLocalDynamo({ withTables: false });
}, 60_000);

afterAll(async () => {
  await local?.stop();
});

const indexNames = async (name: string) => {
  const { Table } = await local.dynamo.client.send(new DescribeTableCommand({ TableName: localTableName(name) }));
  return (Table?.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName).sort();
};

describe('createTables', () => {
  it('adds to a table kept from an earlier run the indexes lib/spec/tables.ts has gained since', async () => {
    const [newest, ...older] = [...tables.catalog.indexes].reverse();
    if (!newest) throw new Error('the catalog table has no index');
    await local.dynamo.client.send(
      new CreateTableCommand(createTableInput('catalog', { ...tables.catalog, indexes: older.reverse() })),
    );
    expect(await indexNames('catalog')).not.toContain(newest.name);

    const created = await createTables(local.dynamo.client);

    expect(created).not.toContain('catalog');
    expect(created.sort()).toEqual(
      Object.keys(tables)
        .filter((name) => name !== 'catalog')
        .sort(),
    );
    expect(await indexNames('catalog')).toEqual(tables.catalog.indexes.map((index) => index.name).sort());
    // Run again: nothing left to create or add.
    expect(await createTables(local.dynamo.client)).toEqual([]);
  });
});

describe('DynamoDB Local', () => {
  it("grants no foreign web page CORS access to the sandbox's tables", async () => {
    const preflight = await fetch(local.dynamo.endpoint, {
      method: 'OPTIONS',
      headers: {
        Origin: 'http://evil.example',
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'x-amz-target,content-type,authorization',
      },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    // The same request from the allow-listed origin is granted: the check above is the allow-list at work.
    const allowed = await fetch(local.dynamo.endpoint, {
      method: 'OPTIONS',
      headers: {
        Origin: DYNAMO_CORS_ALLOW_LIST,
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'x-amz-target,content-type,authorization',
      },
    });
    expect(allowed.headers.get('access-control-allow-origin')).toBe(DYNAMO_CORS_ALLOW_LIST);
  });
});
