import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CreateTableCommand, DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tables } from '../../../lib/spec/tables';
import { createTableInput, createTables, DYNAMO_CORS_ALLOW_LIST, localTableName } from '../../../local/dynamodb';
import { freePort } from '../../../local/ports';
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

/** The local addresses of the sockets listening on a TCP port, from the kernel's tables (Linux). */
const listeningAddresses = (port: number): string[] => {
  const portHex = port.toString(16).toUpperCase().padStart(4, '0');
  return ['/proc/net/tcp', '/proc/net/tcp6'].flatMap((file) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .slice(1)
      .map((line) => line.trim().split(/\s+/))
      // Field 1 is address:port in hex, field 3 the state; 0A is LISTEN.
      .filter((fields) => fields[1]?.endsWith(`:${portHex}`) && fields[3] === '0A')
      .map((fields) => fields[1]?.split(':')[0] ?? ''),
  );
};

const IPV4_LOOPBACK = '0100007F'; // 127.0.0.1, little-endian as /proc prints it
const IPV4_MAPPED_LOOPBACK = '0000000000000000FFFF00000100007F'; // ::ffff:127.0.0.1
const IPV6_LOOPBACK = '00000000000000000000000001000000'; // ::1

describe.runIf(existsSync('/proc/net/tcp'))('DynamoDB Local on the network', () => {
  it('listens on the loopback interface only', () => {
    const port = Number(new URL(local.dynamo.endpoint).port);
    const addresses = listeningAddresses(port);
    expect(addresses.length).toBeGreaterThan(0);
    for (const address of addresses) expect([IPV4_LOOPBACK, IPV4_MAPPED_LOOPBACK, IPV6_LOOPBACK]).toContain(address);
  });

  it('ends when the process that started it is killed', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'shop-unit-orphan-'));
    const port = await freePort();
    // A parent that starts DynamoDB Local, reports its pid, then waits to be killed without any clean-up.
    const script = `
      import { startDynamo } from ${JSON.stringify(path.resolve('local/dynamodb.ts'))};
      const dynamo = await startDynamo(${JSON.stringify(dataDir)}, ${port});
      console.log('pid', dynamo.process.pid);
      setInterval(() => {}, 1000);
    `;
    const parent = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      const javaPid = await new Promise<number>((resolve, reject) => {
        parent.stdout?.on('data', (chunk: Buffer) => {
          const pid = /pid (\d+)/.exec(chunk.toString())?.[1];
          if (pid) resolve(Number(pid));
        });
        parent.once('exit', (code) => reject(new Error(`the parent exited (${code}) before DynamoDB Local answered`)));
      });
      expect(listeningAddresses(port).length).toBeGreaterThan(0);
      parent.kill('SIGKILL');
      const deadline = Date.now() + 10_000;
      while (existsSync(`/proc/${javaPid}`) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(existsSync(`/proc/${javaPid}`)).toBe(false);
      expect(listeningAddresses(port)).toEqual([]);
    } finally {
      parent.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});
