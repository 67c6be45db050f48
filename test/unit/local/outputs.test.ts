import { describe, expect, it } from 'vitest';
import type { BindingTargets } from '../../../lib/spec/environment';
import { type TableName, tableNames } from '../../../lib/spec/tables';
import { sandboxCapabilities, sandboxOutputs } from '../../../local/outputs';

const targets: BindingTargets = {
  tables: Object.fromEntries(tableNames.map((name) => [name, `shop-${name}`])) as Record<TableName, string>,
  eventBusName: 'shop-events',
  checkoutStateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:Checkout',
  mailFrom: 'no-reply@shop.local',
  adminEmail: 'admin@ecommerce.local',
  signingKeySecretArn: 'arn:aws:secretsmanager:us-east-1:000000000000:secret:shop/jwt-signing-key-local',
};

describe("the sandbox's outputs", () => {
  it("are named as a stage's stack outputs (lib/app.ts), under the sandbox's stack name", () => {
    const outputs = sandboxOutputs('http://127.0.0.1:3000', targets, {
      Checkout: 'arn:aws:states:us-east-1:000000000000:stateMachine:Checkout',
    });
    expect(outputs).toEqual({
      'Shop-sandbox': {
        ApiUrl: 'http://127.0.0.1:3000/',
        StorefrontUrl: 'http://127.0.0.1:3000/',
        EventBusName: 'shop-events',
        SigningKeySecretArn: targets.signingKeySecretArn,
        AdminEmail: targets.adminEmail,
        UsersTableName: 'shop-users',
        CatalogTableName: 'shop-catalog',
        InventoryTableName: 'shop-inventory',
        CartsTableName: 'shop-carts',
        OrdersTableName: 'shop-orders',
        PaymentsTableName: 'shop-payments',
        PlatformTableName: 'shop-platform',
        CheckoutStateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:Checkout',
      },
    });
  });
});

describe("the sandbox's capabilities", () => {
  it('add forwardedFor and fastSchedules only when the sandbox was started so', () => {
    const base = sandboxCapabilities({ trustForwardedFor: false, fastSchedules: false });
    expect(base).toEqual(['mail', 'mailPage', 'stats', 'deadLetters', 'faults', 'webApp', 'process']);
    expect(sandboxCapabilities({ trustForwardedFor: true, fastSchedules: true })).toEqual([
      ...base,
      'forwardedFor',
      'fastSchedules',
    ]);
  });
});
