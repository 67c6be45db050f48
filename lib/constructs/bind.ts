import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as opensearch from 'aws-cdk-lib/aws-opensearchservice';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { readAdminEmail } from '../app-config';
import type { Bindings } from '../spec/bindings';
import { DEFAULT_SEARCH_INDEX, ENV } from '../spec/env';
import { checkout } from '../spec/state-machines';
import { type TableName, tables } from '../spec/tables';
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
  for (const [name, access] of Object.entries(bindings.tables ?? {}) as [TableName, 'read' | 'readwrite'][]) {
    const table = resources.tables[name];
    fn.addEnvironment(tables[name].envVar, table.tableName);
    if (access === 'readwrite') table.grantReadWriteData(fn);
    else table.grantReadData(fn);
  }

  if (bindings.events) {
    fn.addEnvironment(ENV.eventBusName, resources.bus.eventBusName);
    resources.bus.grantPutEventsTo(fn);
  }

  if (bindings.checkout) {
    const machine = resources.checkout;
    if (!machine) throw new Error(`${fn.node.path} binds "checkout" but no checkout state machine is defined`);
    fn.addEnvironment(checkout.envVar, machine.stateMachineArn);
    machine.grantStartExecution(fn);
    // DescribeExecution only (on this machine's executions), not grantRead's listing and history actions.
    machine.grantExecution(fn, 'states:DescribeExecution');
  }

  if (bindings.mail) {
    fn.addEnvironment(ENV.mailFrom, resources.mail.address);
    fn.addEnvironment(ENV.adminEmail, readAdminEmail(fn.node.tryGetContext('adminEmail'), resources.mail.address));
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['ses:SendEmail', 'ses:SendRawEmail'],
        resources: [resources.mail.identityArn],
        conditions: { StringEquals: { 'ses:FromAddress': resources.mail.address } },
      }),
    );
  }

  if (bindings.signingKey) {
    fn.addEnvironment(ENV.signingKeySecretArn, resources.signingKey.secretArn);
    resources.signingKey.grantRead(fn);
  }

  // Without a domain (enableOpenSearch off) the variable stays unset and search calls fail fast.
  if (bindings.search && resources.search) {
    fn.addEnvironment(ENV.searchEndpoint, `https://${resources.search.domainEndpoint}`);
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
