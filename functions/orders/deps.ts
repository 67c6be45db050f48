import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { cartsStore } from '../carts/store';
import { dynamoCatalogStore } from '../catalog/store';
import { config } from '../shared/config';
import { publish } from '../shared/events';
import { dynamoOutbox } from '../shared/outbox-store';
import type { ExecutionState, OrdersDeps } from './service';
import { ordersStore } from './store';

let sfn: SFNClient | undefined;

/**
 * Starts the checkout saga; the order id is the execution name, so a repeated start cannot run it twice: a
 * start while it runs answers the running one, a start once it has ended is ExecutionAlreadyExists. Either
 * way the order has its saga.
 */
const startCheckout: OrdersDeps['startCheckout'] = async (name, input) => {
  sfn ??= new SFNClient({});
  try {
    await sfn.send(
      new StartExecutionCommand({
        stateMachineArn: config.checkoutStateMachineArn,
        name,
        input: JSON.stringify(input),
      }),
    );
  } catch (error) {
    if (!(error instanceof ExecutionAlreadyExists)) throw error;
  }
};

/** An execution's ARN: the machine's, `stateMachine` turned `execution`, and its name. */
const executionArn = (name: string) =>
  `${config.checkoutStateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;

/** DescribeExecution (a `checkout: 'describe'` binding): running, ended, or absent (never started, or expired). */
export const executionState = async (name: string): Promise<ExecutionState> => {
  sfn ??= new SFNClient({});
  try {
    const { status } = await sfn.send(new DescribeExecutionCommand({ executionArn: executionArn(name) }));
    return status === 'RUNNING' ? 'RUNNING' : 'ENDED';
  } catch (error) {
    if (error instanceof ExecutionDoesNotExist) return 'ABSENT';
    throw error;
  }
};

/** The orders context's dependencies, created once per function instance; only placeDeps reads carts. */
const baseDeps = {
  orders: ordersStore(),
  catalog: dynamoCatalogStore(),
  startCheckout,
  publish,
  outbox: dynamoOutbox('orders'),
};

export const deps: OrdersDeps = {
  ...baseDeps,
  cartLines: async () => {
    throw new Error('This function does not read carts');
  },
};

const carts = cartsStore();

/** POST /orders: the buyer's cart (the order table itself keeps each Idempotency-Key's order). */
export const placeDeps: OrdersDeps = {
  ...baseDeps,
  cartLines: async (userId) => (await carts.get(userId)).map(({ productId, quantity }) => ({ productId, quantity })),
};
