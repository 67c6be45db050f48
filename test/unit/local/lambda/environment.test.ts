import { describe, expect, it } from 'vitest';
import { runtimeEnvironment, type SandboxEnvironment } from '../../../../local/lambda/environment';

const sandbox = (settings: NodeJS.ProcessEnv): SandboxEnvironment => ({
  region: 'us-east-1',
  endpoint: 'http://127.0.0.1:1',
  settings,
  targets: {
    tables: {
      users: 'u',
      catalog: 'c',
      inventory: 'i',
      carts: 'k',
      orders: 'o',
      payments: 'p',
      platform: 'x',
    },
    eventBusName: 'bus',
    mailFrom: 'no-reply@shop.local',
    adminEmail: 'admin@shop.local',
    signingKeySecretArn: 'arn:aws:secretsmanager:us-east-1:000000000000:secret:signing',
  },
});

describe('the sandbox runtime environment', () => {
  it('keeps the functions from printing EMF metrics unless the sandbox is told otherwise', () => {
    expect(runtimeEnvironment(sandbox({})).POWERTOOLS_METRICS_DISABLED).toBe('true');
    expect(runtimeEnvironment(sandbox({ POWERTOOLS_METRICS_DISABLED: 'false' })).POWERTOOLS_METRICS_DISABLED).toBe(
      'false',
    );
  });
});
