import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { tables } from '../../../lib/spec/tables';
import { createTables, type LocalDynamo, localTableName, startDynamo } from '../../../local/dynamodb';
import { freePort } from '../../../local/ports';

export interface LocalTables {
  dynamo: LocalDynamo;
  /** A document client on it, configured as the functions' own (functions/shared/dynamo.ts). */
  client: DynamoDBDocumentClient;
  stop(): Promise<void>;
}

/**
 * DynamoDB Local (the sandbox's, needs Java 17+) in a throw-away folder, optionally with the platform's
 * tables created and their names in the functions' environment variables (CATALOG_TABLE, ...), so the real
 * stores run against real DynamoDB. Start it once per test file (beforeAll): the JVM takes a few seconds.
 */
export const startLocalDynamo = async ({ withTables = true } = {}): Promise<LocalTables> => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'shop-unit-dynamodb-'));
  try {
    const dynamo = await startDynamo(dataDir, await freePort());
    if (withTables) {
      await createTables(dynamo.client);
      for (const [name, spec] of Object.entries(tables)) process.env[spec.envVar] = localTableName(name);
    }
    const client = DynamoDBDocumentClient.from(dynamo.client, { marshallOptions: { removeUndefinedValues: true } });
    return {
      dynamo,
      client,
      stop: async () => {
        await dynamo.stop();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
};
