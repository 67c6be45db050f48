import type { FunctionSpec } from './bindings';

export interface StateMachineSpec {
  /** PascalCase; becomes the construct id. */
  name: string;
  /** ASL file (JSONPath), relative to the repository root. */
  file: string;
  /** Environment variable that carries the machine's ARN to the functions that start it. */
  envVar: string;
  /** `${Placeholder}` in the ASL -> the Lambda function that the Task state invokes. */
  tasks: Record<string, FunctionSpec>;
}

export const checkout: StateMachineSpec = {
  name: 'Checkout',
  file: 'state-machines/checkout.asl.json',
  envVar: 'CHECKOUT_STATE_MACHINE_ARN',
  tasks: {
    ReserveStockFunctionArn: {
      handler: 'inventory/handlers/saga/reserve-stock',
      bindings: { tables: { inventory: 'readwrite' }, events: true },
    },
    ChargePaymentFunctionArn: {
      handler: 'payments/handlers/saga/charge-payment',
      bindings: { tables: { payments: 'readwrite' }, platform: { idempotency: ['payments.charge'] }, events: true },
      timeout: 30,
    },
    ConfirmOrderFunctionArn: {
      handler: 'orders/handlers/saga/confirm-order',
      bindings: { tables: { orders: 'readwrite' }, events: true },
    },
    CommitStockFunctionArn: {
      handler: 'inventory/handlers/saga/commit-stock',
      bindings: { tables: { inventory: 'readwrite' } },
    },
    ReleaseStockFunctionArn: {
      handler: 'inventory/handlers/saga/release-stock',
      bindings: { tables: { inventory: 'readwrite' } },
    },
    RefundPaymentFunctionArn: {
      handler: 'payments/handlers/saga/refund-payment',
      bindings: { tables: { payments: 'readwrite' }, platform: { idempotency: ['payments.refund'] }, events: true },
      timeout: 30,
    },
    FailOrderFunctionArn: {
      handler: 'orders/handlers/saga/fail-order',
      bindings: { tables: { orders: 'readwrite' }, events: true },
    },
    RequireAttentionFunctionArn: {
      handler: 'orders/handlers/saga/require-attention',
      bindings: { tables: { orders: 'readwrite' }, events: true },
    },
  },
};

export const stateMachines: StateMachineSpec[] = [checkout];
