import { describe, expect, it } from 'vitest';
import { recordSuspiciousActivity } from '../../../functions/platform/suspicious-activity';
import type { EventEnvelope } from '../../../functions/shared/event-catalog';
import { memoryAuditLog } from '../users/fakes';

const delivered = (id: string): EventEnvelope<'SuspiciousActivityDetected'> => ({
  version: '0',
  id,
  'detail-type': 'SuspiciousActivityDetected',
  source: 'shop.security',
  account: '000000000000',
  time: '2026-03-01T12:00:01Z',
  region: 'us-east-1',
  resources: [],
  detail: {
    version: 1,
    correlationId: 'corr-1',
    kind: 'login_failures',
    ip: '203.0.113.9',
    userAgent: 'curl/8',
    userId: 'usr_1',
    email: 'ann@example.com',
    count: 5,
    windowSeconds: 900,
    detectedAt: '2026-03-01T12:00:00.000Z',
  },
});

describe('recordSuspiciousActivity', () => {
  it('keeps the event in the audit log and counts it in the metric, once however often it is delivered', async () => {
    const audit = memoryAuditLog();
    const counted: string[] = [];
    const deps = { audit: audit.log, count: (kind: string) => counted.push(kind) };
    expect(await recordSuspiciousActivity(deps, delivered('evt-1'))).toBe(true);
    expect(await recordSuspiciousActivity(deps, delivered('evt-1'))).toBe(false);
    expect(await recordSuspiciousActivity(deps, delivered('evt-2'))).toBe(true);
    expect(counted).toEqual(['login_failures', 'login_failures']);
    expect(audit.records[0]).toEqual({
      id: 'evt-1',
      time: '2026-03-01T12:00:00.000Z',
      type: 'security.suspicious_activity',
      actor: 'usr_1',
      ip: '203.0.113.9',
      userAgent: 'curl/8',
      outcome: 'failure',
      detail: { kind: 'login_failures', count: 5, windowSeconds: 900, email: 'ann@example.com' },
      correlationId: 'corr-1',
    });
  });
});
