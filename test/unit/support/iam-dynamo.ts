import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type PlatformGrant, platformStatements } from '../../../lib/spec/platform';
import { tables } from '../../../lib/spec/tables';
import { localTableName } from '../../../local/dynamodb';

/** The platform table's ARN as a literal; tests evaluate the statements CDK would write with the real one. */
export const PLATFORM_TABLE_ARN = 'arn:aws:dynamodb:eu-west-1:123456789012:table/platform';

/** One authorization DynamoDB makes: an action on a table or index, with the partition keys it touches. */
export interface Authorization {
  action: string;
  resource: string;
  leadingKeys: string[];
}

interface Statement {
  actions: string[];
  resources: string[];
  leadingKeys: string[];
}

/** IAM's StringLike: `*` any run of characters, `?` one; everything else literal. */
const like = (pattern: string, value: string): boolean =>
  new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  ).test(value);

/**
 * Whether an Allow statement of the set permits it: its action and resource listed, and, as
 * `ForAllValues:StringLike` on `dynamodb:LeadingKeys` decides, every partition key matching one pattern (vacuously
 * true for a request with none, which is why a Scan must never be in such a statement).
 */
export const allows = (statements: Statement[], request: Authorization): boolean =>
  statements.some(
    (statement) =>
      statement.actions.includes(request.action) &&
      statement.resources.includes(request.resource) &&
      request.leadingKeys.every((key) => statement.leadingKeys.some((pattern) => like(pattern, key))),
  );

type AttributeMap = Record<string, { S?: string }>;

const PLATFORM = localTableName('platform');

const partitionAttribute = (index: string | undefined): string => {
  if (!index) return tables.platform.partitionKey.name;
  const spec = tables.platform.indexes.find((candidate) => candidate.name === index);
  if (!spec) throw new Error(`no index ${index} on the platform table`);
  return spec.partitionKey.name;
};

/** The value a Query's key condition fixes for the (table's or index's) partition key. */
const queriedPartition = (body: Record<string, unknown>): string => {
  const names = (body.ExpressionAttributeNames ?? {}) as Record<string, string>;
  const values = (body.ExpressionAttributeValues ?? {}) as AttributeMap;
  const attribute = partitionAttribute(body.IndexName as string | undefined);
  for (const match of String(body.KeyConditionExpression).matchAll(/([#\w]+)\s*=\s*(:\w+)/g)) {
    const [, name, placeholder] = match as unknown as [string, string, string];
    if ((names[name] ?? name) === attribute) return String(values[placeholder]?.S);
  }
  throw new Error(`no partition key in ${String(body.KeyConditionExpression)}`);
};

/** What DynamoDB authorizes for one request on the platform table (a transaction: each write in it). */
export const authorizationsOf = (operation: string, body: Record<string, unknown>): Authorization[] => {
  const single = (action: string, item: { TableName?: string; Key?: AttributeMap; Item?: AttributeMap }) =>
    item.TableName === PLATFORM
      ? [{ action, resource: PLATFORM_TABLE_ARN, leadingKeys: [String((item.Key ?? item.Item)?.pk?.S)] }]
      : [];
  switch (operation) {
    case 'GetItem':
    case 'PutItem':
    case 'UpdateItem':
    case 'DeleteItem':
      return single(`dynamodb:${operation}`, body);
    case 'Query': {
      if (body.TableName !== PLATFORM) return [];
      const index = body.IndexName as string | undefined;
      return [
        {
          action: 'dynamodb:Query',
          resource: index ? `${PLATFORM_TABLE_ARN}/index/${index}` : PLATFORM_TABLE_ARN,
          leadingKeys: [queriedPartition(body)],
        },
      ];
    }
    case 'TransactWriteItems': {
      const kinds: Record<string, string> = {
        Put: 'dynamodb:PutItem',
        Update: 'dynamodb:UpdateItem',
        Delete: 'dynamodb:DeleteItem',
        ConditionCheck: 'dynamodb:ConditionCheckItem',
      };
      return (body.TransactItems as Record<string, Record<string, unknown>>[]).flatMap((entry) =>
        Object.entries(entry).flatMap(([kind, item]) => single(kinds[kind] as string, item)),
      );
    }
    default:
      // Scan, BatchWriteItem...: no partition key, the leading-keys condition cannot hold them back.
      return body.TableName === PLATFORM || JSON.stringify(body).includes(PLATFORM)
        ? [{ action: `dynamodb:${operation}`, resource: PLATFORM_TABLE_ARN, leadingKeys: [] }]
        : [];
  }
};

export class AccessDeniedError extends Error {
  override name = 'AccessDeniedError';
}

export interface EnforcedClients {
  /** A low-level client (what Powertools' persistence layer takes). */
  client: DynamoDBClient;
  /** A document client as the functions configure theirs. */
  documentClient: DynamoDBDocumentClient;
  /** Every authorization asked for, and whether the grant allowed it. */
  log: (Authorization & { allowed: boolean })[];
}

/**
 * Clients of a DynamoDB Local endpoint that let a request through only when the IAM statements CDK writes for
 * `grant` (lib/spec/platform.ts `platformStatements`, as lib/constructs/bind.ts uses it) allow it; a refused
 * request fails with AccessDeniedError before it is sent, as AWS would refuse it. Only the platform table is
 * checked.
 */
export const enforcedClients = (endpoint: string, grant: PlatformGrant): EnforcedClients => {
  const statements = platformStatements(grant, PLATFORM_TABLE_ARN);
  const log: EnforcedClients['log'] = [];
  const client = new DynamoDBClient({
    endpoint,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  client.middlewareStack.add(
    (next) => async (args) => {
      const request = args.request as { headers: Record<string, string>; body?: string };
      const operation = String(request.headers['x-amz-target']).split('.')[1] ?? '';
      for (const authorization of authorizationsOf(operation, JSON.parse(request.body ?? '{}'))) {
        const allowed = allows(statements, authorization);
        log.push({ ...authorization, allowed });
        if (!allowed) {
          throw new AccessDeniedError(
            `not authorized to perform ${authorization.action} on ${authorization.resource} for ${JSON.stringify(authorization.leadingKeys)}`,
          );
        }
      }
      return next(args);
    },
    { step: 'build', name: 'iamPolicy' },
  );
  const documentClient = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  return { client, documentClient, log };
};
