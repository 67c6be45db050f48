/**
 * DynamoDB Local's own rate, measured beside a benchmark: the DynamoDB requests of one checkout (as many of each
 * operation as the sandbox counted) sent straight to DynamoDB Local, with no sandbox in between, by as many
 * concurrent clients as the benchmark's customers, against a table of their own shaped like the platform's (a
 * partition and sort key, one index). Its checkouts per second are the ceiling the sandbox's checkouts are
 * a share of.
 */
import { randomUUID } from 'node:crypto';
import {
  BatchGetItemCommand,
  CreateTableCommand,
  DeleteItemCommand,
  DeleteTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';

const TABLE = `bench-rate-${randomUUID().slice(0, 8)}`;
const ITEMS = 2000;
/** An item about the size of an order or a product record. */
const item = (pk: string, sk: string) => ({
  pk: { S: pk },
  sk: { S: sk },
  gsi1pk: { S: `USER#${pk.length % 50}` },
  gsi1sk: { S: new Date().toISOString() },
  status: { S: 'PENDING' },
  totalCents: { N: '129999' },
  lines: {
    L: [
      {
        M: {
          productId: { S: 'prod-laptop-001' },
          sku: { S: 'LAPTOP-001' },
          name: { S: 'Premium Ultrabook Pro 15' },
          quantity: { N: '1' },
          unitPriceCents: { N: '129999' },
        },
      },
    ],
  },
  history: { L: [{ M: { status: { S: 'PENDING' }, at: { S: new Date().toISOString() } } }] },
  note: { S: 'x'.repeat(300) },
});

const key = (i: number) => ({ pk: { S: `ITEM#${i % ITEMS}` }, sk: { S: 'ITEM' } });
const any = () => Math.floor(Math.random() * ITEMS);

type Operation = (client: DynamoDBClient) => Promise<unknown>;

/** One request of each operation a checkout makes, shaped like the platform's own. */
const OPERATIONS: Record<string, Operation> = {
  GetItem: (client) => client.send(new GetItemCommand({ TableName: TABLE, Key: key(any()) })),
  BatchGetItem: (client) => {
    const i = any();
    return client.send(new BatchGetItemCommand({ RequestItems: { [TABLE]: { Keys: [key(i), key(i + 1)] } } }));
  },
  PutItem: (client) =>
    client.send(
      new PutItemCommand({
        TableName: TABLE,
        Item: item(`NEW#${randomUUID()}`, 'ITEM'),
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    ),
  UpdateItem: (client) =>
    client.send(
      new UpdateItemCommand({
        TableName: TABLE,
        Key: key(any()),
        UpdateExpression: 'SET #status = :status, history = list_append(history, :entry) ADD version :one',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':status': { S: 'CONFIRMED' },
          ':entry': { L: [{ M: { status: { S: 'CONFIRMED' }, at: { S: new Date().toISOString() } } }] },
          ':one': { N: '1' },
        },
      }),
    ),
  TransactWriteItems: (client) =>
    client.send(
      new TransactWriteItemsCommand({
        TransactItems: [
          {
            Update: {
              TableName: TABLE,
              Key: key(any()),
              UpdateExpression: 'ADD version :one',
              ExpressionAttributeValues: { ':one': { N: '1' } },
            },
          },
          { Put: { TableName: TABLE, Item: item(`NEW#${randomUUID()}`, 'ITEM') } },
        ],
      }),
    ),
  DeleteItem: (client) =>
    client.send(
      new DeleteItemCommand({ TableName: TABLE, Key: { pk: { S: `GONE#${randomUUID()}` }, sk: { S: 'ITEM' } } }),
    ),
  Query: (client) =>
    client.send(
      new QueryCommand({
        TableName: TABLE,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': { S: `USER#${any() % 50}` } },
        Limit: 20,
      }),
    ),
};

export interface DynamoRate {
  /** DynamoDB requests per second, and checkouts' worth of them. */
  requestsPerSecond: number;
  checkoutsPerSecond: number;
  requestsPerCheckout: number;
}

/**
 * Runs `mix` (requests of each operation per checkout, as the sandbox counted them) for `seconds` with `clients`
 * concurrent clients straight against DynamoDB Local at `endpoint`.
 */
export const dynamoLocalRate = async (
  endpoint: string,
  mix: Record<string, number>,
  { clients = 20, seconds = 8 }: { clients?: number; seconds?: number } = {},
): Promise<DynamoRate> => {
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  try {
    await client.send(
      new CreateTableCommand({
        TableName: TABLE,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: ['pk', 'sk', 'gsi1pk', 'gsi1sk'].map((name) => ({
          AttributeName: name,
          AttributeType: 'S',
        })),
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: [
          {
            IndexName: 'gsi1',
            KeySchema: [
              { AttributeName: 'gsi1pk', KeyType: 'HASH' },
              { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          },
        ],
      }),
    );
    for (let i = 0; i < ITEMS; i += 50) {
      await Promise.all(
        Array.from({ length: 50 }, (_, j) =>
          client.send(new PutItemCommand({ TableName: TABLE, Item: item(`ITEM#${i + j}`, 'ITEM') })),
        ),
      );
    }
    // One checkout's requests, in a fixed interleaved order; unknown operations are left out.
    const plan = Object.entries(mix).flatMap(([operation, perCheckout]) =>
      OPERATIONS[operation] ? Array.from({ length: Math.round(perCheckout) }, () => operation) : [],
    );
    const requestsPerCheckout = plan.length;
    if (requestsPerCheckout === 0) return { requestsPerSecond: 0, checkoutsPerSecond: 0, requestsPerCheckout };
    /** Requests per second over `duration` seconds. */
    const run = async (duration: number) => {
      let sent = 0;
      const started = performance.now();
      const end = started + duration * 1000;
      await Promise.all(
        Array.from({ length: clients }, async (_, c) => {
          for (let i = c; performance.now() < end; i += clients) {
            await (OPERATIONS[plan[i % requestsPerCheckout] as string] as Operation)(client);
            sent++;
          }
        }),
      );
      return sent / ((performance.now() - started) / 1000);
    };
    // A second of warm-up first (DynamoDB Local's JIT), then the measured time.
    await run(1);
    const requestsPerSecond = await run(seconds);
    return { requestsPerSecond, checkoutsPerSecond: requestsPerSecond / requestsPerCheckout, requestsPerCheckout };
  } finally {
    await client.send(new DeleteTableCommand({ TableName: TABLE })).catch(() => undefined);
    client.destroy();
  }
};
