import { describe, expect, it } from 'vitest';
import { RecipientNotFoundError } from '../../../functions/notifications/errors';
import { escapeHtml, html } from '../../../functions/notifications/html';
import {
  type NotificationDeps,
  notify,
  type Outgoing,
  sendNotification,
} from '../../../functions/notifications/service';
import { suppressionsOf } from '../../../functions/notifications/suppression';
import { money } from '../../../functions/notifications/templates/layout';
import type { EventEnvelope } from '../../../functions/shared/event-catalog';

const fakeDeps = (users: Record<string, { email: string; first_name: string }> = {}) => {
  const sent: Outgoing[] = [];
  const deps: NotificationDeps = {
    users: { getById: async (id) => users[id] },
    send: async (message) => {
      sent.push(message);
    },
    adminEmail: 'ops@shop.example',
    isSuppressed: async () => false,
  };
  return { deps, sent };
};

const common = { version: 1 as const, correlationId: 'corr-1' };
const line = {
  productId: 'p1',
  sku: 'SKU-1',
  name: 'Cable <HDMI> & "more"',
  quantity: 3,
  unitPriceCents: 1999,
  lineTotalCents: 5997,
};

describe('notify', () => {
  it('mails the address on the user record, not one from the event', async () => {
    const { deps, sent } = fakeDeps({ usr_1: { email: 'current@example.com', first_name: 'Ada' } });
    await notify(deps, 'UserRegistered', {
      ...common,
      userId: 'usr_1',
      email: 'old@example.com',
      firstName: 'Old',
      lastName: 'Name',
    });
    expect(sent).toHaveLength(1);
    expect(sent[0]?.to).toBe('current@example.com');
    expect(sent[0]?.email.text).toContain('Hello Ada,');
  });

  it('fails loudly for a user that does not exist, sending nothing', async () => {
    const { deps, sent } = fakeDeps();
    await expect(notify(deps, 'OrderShipped', { ...common, orderId: 'ord_1', userId: 'usr_x' })).rejects.toThrow(
      RecipientNotFoundError,
    );
    expect(sent).toHaveLength(0);
  });

  it('sends InventoryLow to the admin address', async () => {
    const { deps, sent } = fakeDeps();
    const result = await notify(deps, 'InventoryLow', { ...common, sku: 'SKU-9', available: 0, threshold: 5 });
    expect(result).toEqual({ to: 'ops@shop.example', subject: 'Low stock: SKU-9 (0 left)' });
    expect(sent[0]?.email.text).toContain('0 available (alert threshold 5)');
  });

  it.each([
    [
      { kind: 'login_failures' as const, email: 'ann@example.com', userId: 'usr_1', count: 5, windowSeconds: 900 },
      'Suspicious activity: 5 failed sign-ins on ann@example.com',
      'within 15 minutes',
    ],
    [
      { kind: 'rejected_tokens' as const, count: 30, windowSeconds: 60 },
      'Suspicious activity: 30 rejected session tokens from 203.0.113.9',
      '/admin/audit?type=auth.token_rejected',
    ],
    [
      { kind: 'refusals' as const, userId: 'usr_2', count: 10, windowSeconds: 60 },
      'Suspicious activity: 10 refused requests from 203.0.113.9',
      'Account: usr_2',
    ],
    [
      { kind: 'admin_new_ip' as const, userId: 'usr_3', email: 'ops@example.com', count: 1, windowSeconds: 0 },
      'Suspicious activity: admin ops@example.com signed in from a new IP, 203.0.113.9',
      'change their password',
    ],
  ])('sends SuspiciousActivityDetected (%o) to the admin address', async (facts, subject, says) => {
    const { deps, sent } = fakeDeps();
    const detail = {
      ...common,
      ip: '203.0.113.9',
      userAgent: '<script>alert(1)</script>',
      detectedAt: '2026-03-01T12:00:00.000Z',
      ...facts,
    };
    expect(await notify(deps, 'SuspiciousActivityDetected', detail)).toEqual({ to: 'ops@shop.example', subject });
    expect(sent[0]?.email.text).toContain(says);
    // The user agent is the attacker's own text: escaped in the HTML part.
    expect(sent[0]?.email.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(sent[0]?.email.html).not.toContain('<script>');
  });

  it('writes a receipt with every line, the total and the address, escaping what users typed', async () => {
    const { deps, sent } = fakeDeps({ usr_1: { email: 'a@example.com', first_name: 'Ada & <Bob>' } });
    await notify(deps, 'OrderConfirmed', {
      ...common,
      orderId: 'ord_1',
      userId: 'usr_1',
      totalCents: 5997,
      currency: 'EUR',
      lines: [line],
      shippingAddress: {
        name: 'Ada "Lovelace"',
        line1: '<b>12</b> Road',
        city: 'London',
        postalCode: 'N1 9GU',
        country: 'GB',
      },
    });
    const email = sent[0]?.email;
    expect(email?.subject).toBe('Your order ord_1 is confirmed');
    expect(email?.text).toContain('3 x Cable <HDMI> & "more" (SKU-1) at 19.99 EUR = 59.97 EUR');
    expect(email?.text).toContain('Total: 59.97 EUR');
    expect(email?.text).toContain('<b>12</b> Road\nN1 9GU London\nGB');
    expect(email?.html).toContain('Hello Ada &amp; &lt;Bob&gt;,');
    expect(email?.html).toContain('Cable &lt;HDMI&gt; &amp; &quot;more&quot;');
    expect(email?.html).toContain('Ada &quot;Lovelace&quot;<br>&lt;b&gt;12&lt;/b&gt; Road<br>N1 9GU London<br>GB');
    expect(email?.html).not.toContain('<b>12</b>');
  });

  it('explains a failure in words and says nothing was charged', async () => {
    const { deps, sent } = fakeDeps({ usr_1: { email: 'a@example.com', first_name: 'Ada' } });
    await notify(deps, 'OrderFailed', { ...common, orderId: 'ord_1', userId: 'usr_1', reason: 'OUT_OF_STOCK' });
    expect(sent[0]?.email.text).toContain('because one of the items is out of stock (OUT_OF_STOCK)');
    expect(sent[0]?.email.text).toContain('You have not been charged.');
  });

  it('tells a cancelled paid order that a refund follows, an unpaid one that nothing was charged', async () => {
    const { deps, sent } = fakeDeps({ usr_1: { email: 'a@example.com', first_name: 'Ada' } });
    const cancelled = { ...common, orderId: 'ord_1', userId: 'usr_1', lines: [line] };
    await notify(deps, 'OrderCancelled', { ...cancelled, previousStatus: 'CONFIRMED' });
    await notify(deps, 'OrderCancelled', { ...cancelled, previousStatus: 'PENDING' });
    expect(sent[0]?.email.text).toContain('Your payment will be refunded');
    expect(sent[1]?.email.text).toContain('You have not been charged.');
  });
});

describe('sendNotification', () => {
  /** A Once that remembers each key's value, as the idempotency records do. */
  const rememberingOnce = () => {
    const kept = new Map<string, unknown>();
    const keys: string[] = [];
    const once = async <T>(payload: { id: string }, work: () => Promise<T>) => {
      keys.push(payload.id);
      if (kept.has(payload.id)) return { value: kept.get(payload.id) as T, replayed: true };
      const value = await work();
      kept.set(payload.id, value);
      return { value, replayed: false };
    };
    return { once, keys };
  };
  const shipped = (envelopeId: string, eventId?: string) =>
    ({
      version: '0',
      id: envelopeId,
      'detail-type': 'OrderShipped',
      source: 'shop.orders',
      account: '000000000000',
      time: '2026-01-01T00:00:00Z',
      region: 'us-east-1',
      resources: [],
      detail: { ...common, ...(eventId && { eventId }), orderId: 'ord_1', userId: 'usr_ann' },
    }) as EventEnvelope<'OrderShipped'>;

  it('mails an event once however often it is published: the key is its own id, not the envelope id', async () => {
    const { deps, sent } = fakeDeps({ usr_ann: { email: 'ann@example.com', first_name: 'Ann' } });
    const { once, keys } = rememberingOnce();
    // The outbox published it twice (a lost answer): two envelopes, one domain event.
    await sendNotification({ ...deps, once }, shipped('envelope-1', 'evt-1'));
    await sendNotification({ ...deps, once }, shipped('envelope-2', 'evt-1'));
    expect(keys).toEqual(['evt-1', 'evt-1']);
    expect(sent).toHaveLength(1);
  });

  it('falls back on the envelope id for an event without one of its own', async () => {
    const { deps, sent } = fakeDeps({ usr_ann: { email: 'ann@example.com', first_name: 'Ann' } });
    const { once, keys } = rememberingOnce();
    await sendNotification({ ...deps, once }, shipped('envelope-1'));
    await sendNotification({ ...deps, once }, shipped('envelope-2'));
    expect(keys).toEqual(['envelope-1', 'envelope-2']);
    expect(sent).toHaveLength(2);
  });
});

describe('html', () => {
  it('escapes every interpolated value but keeps nested fragments', () => {
    const name = `<script>alert('x')</script>`;
    expect(html`<p>${name}</p>${html`<br>`}${[1, html`<i>${'&'}</i>`]}`.toString()).toBe(
      '<p>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;</p><br>1<i>&amp;</i>',
    );
    expect(escapeHtml('"&"')).toBe('&quot;&amp;&quot;');
  });
});

describe('money', () => {
  it('formats integer cents without floating point', () => {
    expect(money(129999, 'USD')).toBe('1299.99 USD');
    expect(money(5, 'EUR')).toBe('0.05 EUR');
    expect(money(-150, 'EUR')).toBe('-1.50 EUR');
  });
});

describe('the suppression list', () => {
  it('sends nothing to an address SES reported as bouncing or complaining, and counts it', async () => {
    const { deps, sent } = fakeDeps({ usr_1: { email: 'gone@shop.example', first_name: 'Ada' } });
    const counted: string[] = [];
    const suppressed = {
      ...deps,
      isSuppressed: async (email: string) => email === 'gone@shop.example',
      suppressed: (detailType: string) => {
        counted.push(detailType);
      },
    };
    const result = await notify(suppressed, 'UserRegistered', {
      ...common,
      userId: 'usr_1',
      email: 'gone@shop.example',
      firstName: 'Ada',
      lastName: 'L',
    });
    expect(result).toMatchObject({ to: 'gone@shop.example', suppressed: true });
    expect(sent).toEqual([]);
    expect(counted).toEqual(['UserRegistered']);
    // Anyone else is mailed as before.
    await notify(suppressed, 'InventoryLow', { ...common, sku: 'SKU-9', available: 0, threshold: 5 });
    expect(sent.map((message) => message.to)).toEqual(['ops@shop.example']);
  });

  it('takes permanent bounces and complaints from SES notices, not transient bounces', () => {
    const bounce = (bounceType: string) => ({
      eventType: 'Bounce',
      bounce: {
        bounceType,
        bouncedRecipients: [{ emailAddress: 'a@shop.example' }, { emailAddress: 'b@shop.example' }],
      },
    });
    expect(suppressionsOf(bounce('Permanent'))).toEqual([
      { email: 'a@shop.example', reason: 'bounce' },
      { email: 'b@shop.example', reason: 'bounce' },
    ]);
    expect(suppressionsOf(bounce('Transient'))).toEqual([]);
    expect(
      suppressionsOf({
        notificationType: 'Complaint',
        complaint: { complainedRecipients: [{ emailAddress: 'c@shop.example' }] },
      }),
    ).toEqual([{ email: 'c@shop.example', reason: 'complaint' }]);
    expect(suppressionsOf({ eventType: 'Delivery' })).toEqual([]);
    expect(suppressionsOf('not json')).toEqual([]);
  });
});
