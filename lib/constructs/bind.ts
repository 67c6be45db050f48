import { Arn, ArnFormat, Stack, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as opensearch from 'aws-cdk-lib/aws-opensearchservice';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { readAdminEmail } from '../app-config';
import type { Bindings, ContextTableName } from '../spec/bindings';
import { DEFAULT_SEARCH_INDEX } from '../spec/env';
import { type BindingTargets, bindingEnvironment } from '../spec/environment';
import { platformStatements } from '../spec/platform';
import { type SearchAccess, searchCalls } from '../spec/search-index';
import { type TableName, tables as tableSpecs } from '../spec/tables';
import type { MailSender } from '../stateful-stack';

/** What a binding can point at. */
export interface BindingResources {
  tables: Record<TableName, dynamodb.ITable>;
  bus: events.IEventBus;
  signingKey: secretsmanager.ISecret;
  mail: MailSender;
  /** Absent while no state machine is defined; a `checkout` binding then fails the synth. */
  checkout?: sfn.IStateMachine;
  /** The product search domain; absent unless enableOpenSearch. */
  search?: opensearch.IDomain;
}

/**
 * Item-level calls of a context's table by access level: what the stores send (single items, queries, scans of
 * the listing pages, transactions, which IAM authorizes per Put, Update, Delete or ConditionCheck inside them).
 * Never DescribeTable, BatchWriteItem or the stream reads that CDK's grantReadData/grantReadWriteData add.
 */
export const TABLE_ACTIONS = {
  read: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:Scan', 'dynamodb:ConditionCheckItem'],
  readwrite: [
    'dynamodb:GetItem',
    'dynamodb:BatchGetItem',
    'dynamodb:Query',
    'dynamodb:Scan',
    'dynamodb:ConditionCheckItem',
    'dynamodb:PutItem',
    'dynamodb:UpdateItem',
    'dynamodb:DeleteItem',
  ],
} as const;

/** The table's ARN and those of its indexes, each named (lib/spec/tables.ts), never `index/*`. */
export const tableAndIndexArns = (name: TableName, table: dynamodb.ITable): string[] => [
  table.tableArn,
  ...tableSpecs[name].indexes.map((index) => `${table.tableArn}/index/${index.name}`),
];

/** Each use's `es:ESHttp*` calls on its paths only (lib/spec/search-index.ts); `readwrite` is all of them. */
const searchStatements = (access: SearchAccess, domainArn: string): iam.PolicyStatement[] => {
  const calls = searchCalls(DEFAULT_SEARCH_INDEX);
  const uses = access === 'readwrite' ? (['read', 'index', 'setup'] as const) : ([access] as const);
  const byAction = new Map<string, Set<string>>();
  for (const use of uses) {
    for (const [method, path] of calls[use]) {
      const action = `es:ESHttp${method}`;
      byAction.set(action, (byAction.get(action) ?? new Set()).add(`${domainArn}/${path}`));
    }
  }
  return [...byAction].map(
    ([action, resources]) => new iam.PolicyStatement({ actions: [action], resources: [...resources].sort() }),
  );
};

/** A CloudFormation value as cdk-nag names it in a finding (`<Logical.Arn>/path`, `<Parameter>/path`). */
const nagName = (value: unknown): string => {
  if (typeof value === 'string') return value;
  const node = value as Record<string, unknown>;
  if (Array.isArray(node['Fn::Join'])) {
    const [delimiter, parts] = node['Fn::Join'] as [string, unknown[]];
    return parts.map(nagName).join(delimiter);
  }
  if (Array.isArray(node['Fn::GetAtt'])) return `<${(node['Fn::GetAtt'] as string[]).join('.')}>`;
  if (typeof node.Ref === 'string') return `<${node.Ref}>`;
  return JSON.stringify(value);
};

/**
 * The search paths' wildcards (`products-*`: the concrete indexes, named when made; `products/_doc/*`: documents by
 * product id) acknowledged for cdk-nag, each by its own finding id. The id names the domain's ARN as the policy
 * holds it, which is a reference to the data stack before synthesis and this stack's parameter after: both are
 * acknowledged, the second once references are resolved (node validations run then, before the plugins).
 */
const acknowledgeSearchPaths = (fn: lambda.Function, statements: iam.PolicyStatement[]) => {
  const role = fn.role;
  if (!role) return;
  const reason = `The search index's own paths: its concrete indexes are named ${DEFAULT_SEARCH_INDEX}-<version> when made, its documents by product id.`;
  const acknowledge = () => {
    const stack = Stack.of(fn);
    const wildcards = statements.flatMap((statement) =>
      statement.resources.map((resource) => nagName(stack.resolve(resource))).filter((name) => name.includes('*')),
    );
    for (const name of new Set(wildcards)) {
      Validations.of(role).acknowledge({ id: `AwsSolutions-IAM5[Resource::${name}]`, reason });
    }
  };
  acknowledge();
  fn.node.addValidation({
    validate: () => {
      acknowledge();
      return [];
    },
  });
};

/**
 * DescribeExecution of the machine's executions: their names are the orders' ids (and their later runs'), known only
 * at run time, hence a wildcard after the machine's name, acknowledged for cdk-nag by its finding id.
 */
const describeExecutions = (fn: lambda.Function, machine: sfn.IStateMachine) => {
  const stack = Stack.of(fn);
  const { resourceName } = Arn.split(machine.stateMachineArn, ArnFormat.COLON_RESOURCE_NAME);
  const executions = stack.formatArn({
    service: 'states',
    resource: 'execution',
    resourceName: `${resourceName}:*`,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
  fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['states:DescribeExecution'], resources: [executions] }));
  if (fn.role) {
    Validations.of(fn.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${nagName(stack.resolve(executions))}]`,
      reason: "The checkout's executions are named after the orders (and their later runs): only the machine is known.",
    });
  }
};

/**
 * Gives a function what its bindings declare: for each, the environment variable and the least-privilege
 * grant, together, so one can never be set without the other.
 */
export const bind = (fn: lambda.Function, bindings: Bindings, resources: BindingResources): void => {
  if (bindings.checkout && !resources.checkout) {
    throw new Error(`${fn.node.path} binds "checkout" but no checkout state machine is defined`);
  }
  if ((bindings.tables as Partial<Record<TableName, unknown>> | undefined)?.platform !== undefined) {
    throw new Error(`${fn.node.path} binds the platform table as a whole: bind its purposes (bindings.platform)`);
  }
  // The variables come from the spec (lib/spec/environment.ts), which the sandbox reads as well.
  const targets: BindingTargets = {
    tables: Object.fromEntries(
      Object.entries(resources.tables).map(([name, table]) => [name, table.tableName]),
    ) as Record<TableName, string>,
    eventBusName: resources.bus.eventBusName,
    checkoutStateMachineArn: resources.checkout?.stateMachineArn,
    mailFrom: resources.mail.address,
    adminEmail: bindings.mail ? readAdminEmail(fn.node.tryGetContext('adminEmail'), resources.mail.address) : '',
    signingKeySecretArn: resources.signingKey.secretArn,
    searchEndpoint: resources.search && `https://${resources.search.domainEndpoint}`,
  };
  for (const [name, value] of Object.entries(bindingEnvironment(bindings, targets))) fn.addEnvironment(name, value);

  for (const [name, access] of Object.entries(bindings.tables ?? {}) as [ContextTableName, 'read' | 'readwrite'][]) {
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: [...TABLE_ACTIONS[access]],
        resources: tableAndIndexArns(name, resources.tables[name]),
      }),
    );
  }

  // The platform table by purpose: each purpose's calls on its own partitions (and named index partitions) only.
  for (const statement of platformStatements(bindings.platform ?? {}, resources.tables.platform.tableArn)) {
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: statement.actions,
        resources: statement.resources,
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': statement.leadingKeys } },
      }),
    );
  }

  if (bindings.events) resources.bus.grantPutEventsTo(fn);

  // StartExecution; DescribeExecution of its executions only for what looks after stalled or cancelled orders (the
  // API answers from the orders table).
  if (bindings.checkout && resources.checkout) {
    resources.checkout.grantStartExecution(fn);
    if (bindings.checkout === 'describe') describeExecutions(fn, resources.checkout);
  }

  if (bindings.mail) {
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['ses:SendEmail', 'ses:SendRawEmail'],
        // The identity SES authorizes the sender by (the address's, or its domain's), and the configuration set the
        // identities send through by default.
        resources: [
          resources.mail.identityArn,
          ...(resources.mail.domainIdentityArn ? [resources.mail.domainIdentityArn] : []),
          ...(resources.mail.configurationSetArn ? [resources.mail.configurationSetArn] : []),
        ],
        conditions: { StringEquals: { 'ses:FromAddress': resources.mail.address } },
      }),
    );
  }

  if (bindings.signingKey) resources.signingKey.grantRead(fn);

  // Without a domain (enableOpenSearch off) there is no variable either, and search calls fail fast.
  if (bindings.search && resources.search) {
    const statements = searchStatements(bindings.search, resources.search.domainArn);
    for (const statement of statements) fn.addToRolePolicy(statement);
    acknowledgeSearchPaths(fn, statements);
  }
};
