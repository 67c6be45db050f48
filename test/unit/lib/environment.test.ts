import { describe, expect, it } from 'vitest';
import { type BindingTargets, baseEnvironment, bindingEnvironment } from '../../../lib/spec/environment';
import { eventRules } from '../../../lib/spec/event-rules';
import { authorizer, routes } from '../../../lib/spec/routes';
import { stateMachines } from '../../../lib/spec/state-machines';

const targets: BindingTargets = {
  tables: {
    users: 'users-t',
    catalog: 'catalog-t',
    inventory: 'inventory-t',
    carts: 'carts-t',
    orders: 'orders-t',
    payments: 'payments-t',
    platform: 'platform-t',
  },
  eventBusName: 'bus',
  checkoutStateMachineArn: 'arn:checkout',
  mailFrom: 'from@shop.test',
  adminEmail: 'admin@shop.test',
  signingKeySecretArn: 'arn:secret',
  searchEndpoint: 'https://search',
};

describe('bindingEnvironment', () => {
  it('gives a function the variables of its bindings and no others', () => {
    expect(
      bindingEnvironment({ tables: { catalog: 'read' }, platform: { health: ['probe'] }, events: true }, targets),
    ).toEqual({
      CATALOG_TABLE: 'catalog-t',
      PLATFORM_TABLE: 'platform-t',
      EVENT_BUS_NAME: 'bus',
    });
    expect(bindingEnvironment({}, targets)).toEqual({});
  });

  it('sets both mail variables, the secret, the state machine and the search endpoint when bound', () => {
    expect(bindingEnvironment({ mail: true, signingKey: true, checkout: true, search: 'read' }, targets)).toEqual({
      MAIL_FROM: 'from@shop.test',
      ADMIN_EMAIL: 'admin@shop.test',
      SIGNING_KEY_SECRET_ARN: 'arn:secret',
      CHECKOUT_STATE_MACHINE_ARN: 'arn:checkout',
      SEARCH_ENDPOINT: 'https://search',
    });
  });

  it('leaves SEARCH_ENDPOINT unset without a search domain, and refuses a checkout binding without a machine', () => {
    const { searchEndpoint: _, checkoutStateMachineArn: __, ...bare } = targets;
    expect(bindingEnvironment({ search: 'readwrite' }, bare)).toEqual({});
    expect(() => bindingEnvironment({ checkout: true }, bare)).toThrow(/checkout/);
  });

  it('gives a function bound to a platform purpose the platform table, and none bound to no purpose', () => {
    expect(bindingEnvironment({ platform: { audit: ['write'] } }, targets)).toEqual({
      PLATFORM_TABLE: targets.tables.platform,
    });
    expect(bindingEnvironment({ platform: { audit: [] } }, targets)).toEqual({});
  });

  it('never hands a function a variable of a table it is not bound to (every function of the tables)', () => {
    const specs = [
      authorizer,
      ...routes,
      ...eventRules.map((rule) => rule.target),
      ...stateMachines.flatMap((m) => Object.values(m.tasks)),
    ];
    for (const spec of specs) {
      const env = bindingEnvironment(spec.bindings, targets);
      const tableVars = Object.keys(env).filter((name) => name.endsWith('_TABLE'));
      const bound = new Set([
        ...Object.keys(spec.bindings.tables ?? {}),
        ...(spec.bindings.platform ? ['platform'] : []),
      ]);
      expect(tableVars.length, spec.handler).toBe(bound.size);
    }
  });
});

describe('baseEnvironment', () => {
  it('names the Powertools service after the context', () => {
    expect(baseEnvironment('orders')).toMatchObject({ POWERTOOLS_SERVICE_NAME: 'orders' });
  });
});
