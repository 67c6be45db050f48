import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../functions/shared/errors';
import { eventEnvelope, parseEvent } from '../../../functions/shared/event-catalog';
import { eventDetail, PublishError, type UncheckedEvent } from '../../../functions/shared/events';

const line = {
  productId: 'prod-laptop-001',
  sku: 'LAPTOP-001',
  name: 'Premium Ultrabook Pro 15',
  quantity: 2,
  unitPriceCents: 129999,
  lineTotalCents: 259998,
};
const address = { name: 'Sam', line1: '1 Main Street', city: 'Springfield', postalCode: '12345', country: 'US' };
const ref = { orderId: 'ord_1', userId: 'usr_1' };

/** The events as their publishers build them (users, orders, payments, catalog and inventory services). */
const published: UncheckedEvent[] = [
  ['users', 'UserRegistered', { userId: 'usr_1', email: 'a@example.com', firstName: 'A', lastName: 'B' }],
  ['orders', 'OrderPlaced', { ...ref, totalCents: 259998, currency: 'USD', lines: [line] }],
  [
    'orders',
    'OrderConfirmed',
    {
      ...ref,
      totalCents: 259998,
      currency: 'USD',
      lines: [line],
      shippingAddress: address,
      placedAt: '2026-01-01T00:00:00.000Z',
    },
  ],
  ['orders', 'OrderFailed', { ...ref, reason: 'PAYMENT_DECLINED' }],
  [
    'orders',
    'OrderCancelled',
    { ...ref, previousStatus: 'CONFIRMED', lines: [line], totalCents: 259998, currency: 'USD' },
  ],
  ['orders', 'OrderShipped', ref],
  ['orders', 'OrderDelivered', ref],
  ['payments', 'PaymentSucceeded', { paymentId: 'pay_1', ...ref, amountCents: 259998, currency: 'USD' }],
  ['payments', 'PaymentFailed', { ...ref, amountCents: 259998, currency: 'USD', reason: 'CARD_DECLINED' }],
  ['payments', 'PaymentRefunded', { paymentId: 'pay_1', ...ref, amountCents: 259998, currency: 'USD' }],
  ['catalog', 'ProductChanged', { productId: 'prod-laptop-001', change: 'updated' }],
  ['inventory', 'InventoryLow', { sku: 'LAPTOP-001', available: 3, threshold: 5 }],
  [
    'security',
    'SuspiciousActivityDetected',
    {
      kind: 'rejected_tokens',
      ip: '203.0.113.9',
      count: 30,
      windowSeconds: 60,
      detectedAt: '2026-01-01T00:00:00.000Z',
    },
  ],
].map(([context, detailType, data]) => ({
  context: context as string,
  detailType: detailType as string,
  version: 1,
  correlationId: 'corr-1',
  data: data as Record<string, unknown>,
}));

describe('publish() validates against the event catalog', () => {
  it.each(published.map((event) => [event.detailType, event] as const))('accepts %s as published', (_, event) => {
    expect(eventDetail(event)).toEqual({ version: 1, correlationId: 'corr-1', ...event.data });
  });

  it('keeps a field the catalog does not list (consumers may already read it)', () => {
    const event = { ...(published[5] as UncheckedEvent), data: { ...ref, carrier: 'UPS' } };
    expect(eventDetail(event)).toMatchObject({ carrier: 'UPS' });
  });

  it('refuses a missing or mistyped field, naming it', () => {
    const event = { ...(published[7] as UncheckedEvent), data: { ...ref, amountCents: 12.5, currency: 'USD' } };
    expect(() => eventDetail(event)).toThrow(PublishError);
    expect(() => eventDetail(event)).toThrow(
      /PaymentSucceeded does not match the event catalog: paymentId: .*amountCents/,
    );
  });

  it('refuses an event the catalog does not know, or from the wrong context', () => {
    expect(() => eventDetail({ ...(published[0] as UncheckedEvent), detailType: 'UserDeleted' })).toThrow(
      'UserDeleted is not in the event catalog',
    );
    expect(() => eventDetail({ ...(published[0] as UncheckedEvent), context: 'orders' })).toThrow(
      'UserRegistered comes from users, not orders',
    );
  });

  it('refuses an unknown version of a detail', () => {
    expect(() => eventDetail({ ...(published[5] as UncheckedEvent), version: 2 })).toThrow(/version/);
  });
});

describe('eventEnvelope', () => {
  const envelope = {
    version: '0',
    id: 'e-1',
    'detail-type': 'OrderShipped',
    source: 'shop.orders',
    account: '000000000000',
    time: '2026-01-01T00:00:00Z',
    region: 'us-east-1',
    resources: [],
    detail: { version: 1, correlationId: 'corr-1', ...ref },
  };

  it('parses the EventBridge envelope and the detail', () => {
    expect(eventEnvelope('OrderShipped').parse(envelope).detail.orderId).toBe('ord_1');
  });

  it('rejects another source, another detail-type or a malformed detail', () => {
    const schema = eventEnvelope('OrderShipped');
    expect(schema.safeParse({ ...envelope, source: 'shop.users' }).success).toBe(false);
    expect(schema.safeParse({ ...envelope, 'detail-type': 'OrderDelivered' }).success).toBe(false);
    expect(schema.safeParse({ ...envelope, detail: { ...envelope.detail, orderId: 42 } }).success).toBe(false);
  });
});

describe('parseEvent', () => {
  const delivered = (detailType: string, detail: Record<string, unknown>) => ({
    version: '0',
    id: 'e-1',
    'detail-type': detailType,
    source: detailType === 'ProductChanged' ? 'shop.catalog' : 'shop.orders',
    account: '000000000000',
    time: '2026-01-01T00:00:00Z',
    region: 'us-east-1',
    resources: [],
    detail: { version: 1, correlationId: 'corr-1', ...detail },
  });
  const cancelled = delivered('OrderCancelled', { ...ref, previousStatus: 'CONFIRMED', lines: [line] });

  it("gives the envelope and the whole detail of the event's type, as the catalog types it", () => {
    const event = parseEvent('OrderCancelled', cancelled);
    expect(event.id).toBe('e-1');
    expect(event.detail).toEqual(cancelled.detail);
    expect(event.detail.lines[0]?.sku).toBe('LAPTOP-001');
  });

  it('takes any of several types, told apart by detail-type', () => {
    const event = parseEvent(['OrderPlaced', 'OrderFailed'], delivered('OrderFailed', { ...ref, reason: 'X' }));
    expect(event['detail-type'] === 'OrderFailed' && event.detail.reason).toBe('X');
  });

  it('refuses another type, a detail the catalog refuses, or no envelope, as a ValidationError', () => {
    expect(() => parseEvent('OrderShipped', cancelled)).toThrow(ValidationError);
    expect(() => parseEvent(['OrderShipped', 'OrderDelivered'], cancelled)).toThrow(ValidationError);
    const withoutLines = { ...cancelled.detail, lines: undefined };
    expect(() => parseEvent('OrderCancelled', { ...cancelled, detail: withoutLines })).toThrow(
      'Invalid OrderCancelled event',
    );
    expect(() => parseEvent('OrderCancelled', { detail: cancelled.detail })).toThrow(ValidationError);
    expect(() => parseEvent('OrderCancelled', null)).toThrow(ValidationError);
  });
});

describe('SuspiciousActivityDetected', () => {
  const detected = (data: Record<string, unknown>): UncheckedEvent => ({
    context: 'security',
    detailType: 'SuspiciousActivityDetected',
    version: 1,
    correlationId: 'corr-1',
    data: { ip: '203.0.113.9', count: 1, windowSeconds: 0, detectedAt: '2026-01-01T00:00:00.000Z', ...data },
  });

  it.each([
    ['login_failures', { kind: 'login_failures', email: 'ann@example.com', count: 5, windowSeconds: 900 }],
    [
      'login_failures of an account that exists',
      { kind: 'login_failures', email: 'a@b.co', userId: 'usr_1', count: 5 },
    ],
    ['rejected_tokens', { kind: 'rejected_tokens', count: 30, windowSeconds: 60, userAgent: 'curl/8' }],
    ['refusals', { kind: 'refusals', count: 10, windowSeconds: 60, userId: 'usr_1' }],
    ['admin_new_ip', { kind: 'admin_new_ip', userId: 'usr_1', email: 'ops@example.com' }],
  ])('accepts %s', (_, data) => {
    expect(eventDetail(detected(data))).toMatchObject(data);
  });

  it.each([
    ['an unknown kind', { kind: 'port_scan' }, /kind/],
    ['login_failures without the email', { kind: 'login_failures', count: 5 }, /email: login_failures names the email/],
    ['admin_new_ip without the admin', { kind: 'admin_new_ip' }, /userId: admin_new_ip names the admin/],
    ['no IP', { kind: 'refusals', ip: undefined }, /ip/],
    ['a count of 0', { kind: 'refusals', count: 0 }, /count/],
    ['a detectedAt that is no instant', { kind: 'refusals', detectedAt: 'yesterday' }, /detectedAt/],
  ])('refuses %s', (_, data, message) => {
    expect(() => eventDetail(detected(data))).toThrow(message);
  });

  it('comes from shop.security only', () => {
    expect(() => eventDetail({ ...detected({ kind: 'refusals' }), context: 'users' })).toThrow(
      'SuspiciousActivityDetected comes from security, not users',
    );
    const delivered = {
      version: '0',
      id: 'e-1',
      'detail-type': 'SuspiciousActivityDetected',
      source: 'shop.security',
      account: '000000000000',
      time: '2026-01-01T00:00:00Z',
      region: 'us-east-1',
      resources: [],
      detail: eventDetail(detected({ kind: 'refusals', count: 10, windowSeconds: 60 })),
    };
    expect(parseEvent('SuspiciousActivityDetected', delivered).detail.kind).toBe('refusals');
    expect(() => parseEvent('SuspiciousActivityDetected', { ...delivered, source: 'shop.users' })).toThrow(
      ValidationError,
    );
  });
});
