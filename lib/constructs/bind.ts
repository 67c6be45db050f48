import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as opensearch from 'aws-cdk-lib/aws-opensearchservice';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { readAdminEmail } from '../app-config';
import type { Bindings } from '../spec/bindings';
import { DEFAULT_SEARCH_INDEX } from '../spec/env';
import { type BindingTargets, bindingEnvironment } from '../spec/environment';
import type { TableName } from '../spec/tables';
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
 * Gives a function what its bindings declare: for each, the environment variable and the least-privilege
 * grant, together, so one can never be set without the other.
 */
export const bind = (fn: lambda.Function, bindings: Bindings, resources: BindingResources): void => {
  if (bindings.checkout && !resources.checkout) {
    throw new Error(`${fn.node.path} binds "checkout" but no checkout state machine is defined`);
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

  for (const [name, access] of Object.entries(bindings.tables ?? {}) as [TableName, 'read' | 'readwrite'][]) {
    const table = resources.tables[name];
    if (access === 'readwrite') table.grantReadWriteData(fn);
    else table.grantReadData(fn);
  }

  if (bindings.events) resources.bus.grantPutEventsTo(fn);

  if (bindings.audit) {
    // Writes only (records, tallies, pending alerts): no read of the counters, idempotency records or journal.
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:PutItem', 'dynamodb:UpdateItem'],
        resources: [resources.tables.platform.tableArn],
      }),
    );
  }

  if (bindings.checkout && resources.checkout) {
    resources.checkout.grantStartExecution(fn);
    // DescribeExecution only (on this machine's executions), not grantRead's listing and history actions.
    resources.checkout.grantExecution(fn, 'states:DescribeExecution');
  }

  if (bindings.mail) {
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['ses:SendEmail', 'ses:SendRawEmail'],
        resources: [resources.mail.identityArn],
        conditions: { StringEquals: { 'ses:FromAddress': resources.mail.address } },
      }),
    );
  }

  if (bindings.signingKey) resources.signingKey.grantRead(fn);

  // Without a domain (enableOpenSearch off) there is no variable either, and search calls fail fast.
  if (bindings.search && resources.search) {
    if (bindings.search === 'readwrite') resources.search.grantReadWrite(fn);
    else {
      // Searching is a POST to _search, which grantRead (GET/HEAD) does not cover: that call alone.
      fn.addToRolePolicy(
        new iam.PolicyStatement({
          actions: ['es:ESHttpGet', 'es:ESHttpPost'],
          resources: [`${resources.search.domainArn}/${DEFAULT_SEARCH_INDEX}/_search`],
        }),
      );
    }
  }
};
