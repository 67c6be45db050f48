import { describe, expect, it } from 'vitest';
import { checkHealth } from '../../../local/health';

const never = () => new Promise<boolean>(() => undefined);

describe('the sandbox health check', () => {
  it('is healthy when every service answers in time', async () => {
    const report = await checkHealth({ dynamodb: async () => true, events: async () => true }, 100);
    expect(report).toEqual({ healthy: true, body: { status: 'ok', services: { dynamodb: 'ok', events: 'ok' } } });
  });

  it('names a service that does not answer in time as slow, without waiting for it', async () => {
    const started = performance.now();
    const report = await checkHealth({ dynamodb: never, events: async () => true }, 50);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(report.healthy).toBe(false);
    expect(report.body.services).toEqual({ dynamodb: 'slow', events: 'ok' });
    expect(report.body.message).toBe('dynamodb did not answer within 50 ms');
  });

  it('aborts the slow check, and tells a failed one from a slow one', async () => {
    let aborted = false;
    const report = await checkHealth(
      {
        dynamodb: (signal) =>
          new Promise((_, reject) =>
            signal.addEventListener('abort', () => {
              aborted = true;
              reject(new Error('aborted'));
            }),
          ),
        search: async () => false,
        states: async () => {
          throw new Error('stopped');
        },
      },
      50,
    );
    expect(aborted).toBe(true);
    expect(report.body).toEqual({
      status: 'degraded',
      services: { dynamodb: 'slow', search: 'down', states: 'down' },
      message: 'dynamodb did not answer within 50 ms; search, states failed',
    });
  });
});
