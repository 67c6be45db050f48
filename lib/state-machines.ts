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
    PriceOrderFunctionArn: {
      handler: 'catalog/handlers/price-order',
      bindings: { tables: { catalog: 'read' } },
    },
  },
};

export const stateMachines: StateMachineSpec[] = [checkout];
