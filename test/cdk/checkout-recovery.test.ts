import type { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { actionsOf, type Json, ofType, policyStatementsOfFunction, synth } from './support';

const real = synth();
const orders = real.contextTemplates.get('orders') as Template;
const payments = real.contextTemplates.get('payments') as Template;

const functionOf = (template: Template, handler: string): [string, Json] => {
  const found = ofType(template, 'AWS::Lambda::Function').find(([, fn]) =>
    String(fn.Properties.Description).endsWith(`: ${handler}`),
  );
  if (!found) throw new Error(`no ${handler} function`);
  return found;
};

const statementsWith = (template: Template, handler: string, action: string): Json[] =>
  policyStatementsOfFunction(template, functionOf(template, handler)[0]).filter((s) => actionsOf(s).includes(action));

const describes = (template: Template, handler: string) =>
  JSON.stringify(statementsWith(template, handler, 'states:DescribeExecution').map((s) => s.Resource));

describe('what keeps the checkout from dead-ending, in CDK', () => {
  it('runs the reconciler every 5 minutes and the outbox sweepers every minute, from the default bus', () => {
    const scheduleOf = (template: Template, handler: string) => {
      const [id] = functionOf(template, handler);
      return ofType(template, 'AWS::Events::Rule').find(([, rule]) =>
        JSON.stringify(rule.Properties.Targets).includes(id),
      )?.[1].Properties.ScheduleExpression;
    };
    expect(scheduleOf(orders, 'orders/handlers/events/reconcile-stalled-orders')).toBe('rate(5 minutes)');
    expect(scheduleOf(orders, 'orders/handlers/events/publish-pending-events')).toBe('rate(1 minute)');
    expect(scheduleOf(payments, 'payments/handlers/events/publish-pending-events')).toBe('rate(1 minute)');
  });

  it('lets the reconciler and the settling of cancelled orders read the checkout executions, and nothing else', () => {
    for (const handler of [
      'orders/handlers/events/reconcile-stalled-orders',
      'orders/handlers/events/settle-cancelled-order',
    ]) {
      expect(describes(orders, handler), handler).toContain(':execution:Shop-dev-Checkout:*');
      expect(JSON.stringify(statementsWith(orders, handler, 'states:StartExecution'))).toContain(
        ':stateMachine:Shop-dev-Checkout',
      );
    }
    for (const handler of ['orders/handlers/http/create-order', 'orders/handlers/http/resolve-order']) {
      expect(statementsWith(orders, handler, 'states:DescribeExecution'), handler).toEqual([]);
      expect(statementsWith(orders, handler, 'states:StartExecution'), handler).not.toEqual([]);
    }
  });

  it('gives the checkout a RequireAttention step, run by the orders function that marks the order', () => {
    const machines = ofType(real.apiTemplate, 'AWS::StepFunctions::StateMachine');
    expect(machines).toHaveLength(1);
    const substitutions = machines[0]?.[1].Properties.DefinitionSubstitutions;
    expect(Object.keys(substitutions)).toContain('RequireAttentionFunctionArn');
    functionOf(orders, 'orders/handlers/saga/require-attention');
  });
});
