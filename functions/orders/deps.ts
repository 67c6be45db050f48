import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { dynamoCatalogStore } from '../catalog/store';
import { config } from '../shared/config';
import { publish } from '../shared/events';
import type { OrdersDeps } from './service';
import { ordersStore } from './store';

let sfn: SFNClient | undefined;

/** Starts the checkout saga; the order id is the execution name, so a repeated start cannot run it twice. */
const startCheckout: OrdersDeps['startCheckout'] = async (orderId, input) => {
  sfn ??= new SFNClient({});
  await sfn.send(
    new StartExecutionCommand({
      stateMachineArn: config.checkoutStateMachineArn,
      name: orderId,
      input: JSON.stringify(input),
    }),
  );
};

/** The orders context's dependencies, created once per function instance; the cart reader is set by the handler that needs it. */
export const baseDeps = {
  orders: ordersStore(),
  catalog: dynamoCatalogStore(),
  startCheckout,
  publish,
};

export const deps: OrdersDeps = {
  ...baseDeps,
  cartLines: async () => {
    throw new Error('This function does not read carts');
  },
};
