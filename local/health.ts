/** How long GET /health waits for one service before reporting it slow. */
export const DEFAULT_HEALTH_TIMEOUT_MS = 2000;

export type ServiceState = 'ok' | 'down' | 'slow';

export interface HealthReport {
  healthy: boolean;
  body: {
    status: 'ok' | 'degraded';
    services: Record<string, ServiceState>;
    /** Why it is degraded: the services that failed or did not answer in time. */
    message?: string;
  };
}

/**
 * Runs every check at once, each given `timeoutMs` (its signal aborts then): a check that throws or answers false is
 * `down`, one that has not answered in time is `slow`, so a hanging dependency (DynamoDB Local under load, say) turns
 * the answer into a 503 naming it instead of a request that never ends.
 */
export const checkHealth = async (
  checks: Record<string, (signal: AbortSignal) => Promise<boolean>>,
  timeoutMs = DEFAULT_HEALTH_TIMEOUT_MS,
): Promise<HealthReport> => {
  const results = await Promise.all(
    Object.entries(checks).map(async ([name, check]): Promise<[string, ServiceState]> => {
      const controller = new AbortController();
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<'slow'>((resolve) => {
        timer = setTimeout(() => {
          controller.abort();
          resolve('slow');
        }, timeoutMs);
      });
      const answer = Promise.resolve()
        .then(() => check(controller.signal))
        .then(
          (ok): ServiceState => (ok ? 'ok' : 'down'),
          (): ServiceState => (controller.signal.aborted ? 'slow' : 'down'),
        );
      try {
        return [name, await Promise.race([answer, late])];
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  const services = Object.fromEntries(results);
  const slow = results.filter(([, state]) => state === 'slow').map(([name]) => name);
  const down = results.filter(([, state]) => state === 'down').map(([name]) => name);
  const healthy = slow.length === 0 && down.length === 0;
  const reasons = [
    ...(slow.length > 0 ? [`${slow.join(', ')} did not answer within ${timeoutMs} ms`] : []),
    ...(down.length > 0 ? [`${down.join(', ')} failed`] : []),
  ];
  return {
    healthy,
    body: { status: healthy ? 'ok' : 'degraded', services, ...(!healthy && { message: reasons.join('; ') }) },
  };
};
