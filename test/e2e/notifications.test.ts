import { randomUUID } from 'node:crypto';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { Context } from 'aws-lambda';
import { beforeAll, expect, it } from 'vitest';
import {
  address,
  addToCart,
  admin,
  busEvent,
  busSettled,
  eventually,
  type OrderView,
  placeOrder,
  setStock,
  settled,
} from './fixtures';
import {
  awsClientConfig,
  call,
  callEndpoint,
  type Mail,
  mailSender,
  mailTo,
  registerCustomer,
  type SignedIn,
} from './http';
import { eventBusName, functionEnvironment, has, needs, target } from './target';

interface DeadLetter {
  rule: string;
  handler: string;
  event: { id: string; 'detail-type': string; detail: Record<string, unknown> };
  error: string;
  attempts: number;
}

const PRODUCT = 'prod-monitor-001';

// Every test here reads the mail the platform sent.
let mailFrom: string;
beforeAll(async () => {
  if (has('mail')) mailFrom = await mailSender();
});

/**
 * Waits for the mail whose subject matches, then for the bus to finish its deliveries, so that a second copy
 * (a duplicate delivery) would have arrived too: exactly one must be there.
 */
const theOnlyMail = async (email: string, subject: RegExp): Promise<Mail> => {
  await eventually(async () => (await mailTo(email)).some((m) => subject.test(m.Subject)));
  await busSettled();
  const matching = (await mailTo(email)).filter((m) => subject.test(m.Subject));
  expect(matching).toHaveLength(1);
  const mail = matching[0] as Mail;
  expect(mail.Source).toBe(mailFrom);
  expect(mail.Destination.ToAddresses).toEqual([email]);
  return mail;
};

const textOf = (mail: Mail) => mail.Body.text_part ?? '';
const htmlOf = (mail: Mail) => mail.Body.html_part ?? '';

const confirmedOrder = async (): Promise<{ user: SignedIn; order: OrderView }> => {
  const user = await registerCustomer();
  await addToCart(user.user.id, user.token, PRODUCT, 2);
  const placed = await placeOrder(user.token);
  expect(placed.status).toBe(202);
  const order = await settled(placed.body.id, user.token);
  expect(order.status).toBe('CONFIRMED');
  return { user, order };
};

const money = (amount: number, currency: string) => `${amount.toFixed(2)} ${currency}`;

needs('mail').describe('email notifications', () => {
  it('UserRegistered: one welcome email to the new customer, by first name', async () => {
    const user = await registerCustomer({ first_name: 'Wilhelmina' });
    const mail = await theOnlyMail(user.email, /^Welcome to the Shop$/);
    expect(textOf(mail)).toContain('Hello Wilhelmina,');
    expect(htmlOf(mail)).toContain('<p>Hello Wilhelmina,</p>');
  });

  it('a first name of <script>alert(1)</script> arrives escaped in the HTML part', async () => {
    const user = await registerCustomer({ first_name: '<script>alert(1)</script>' });
    const mail = await theOnlyMail(user.email, /^Welcome to the Shop$/);
    expect(htmlOf(mail)).toContain('Hello &lt;script&gt;alert(1)&lt;/script&gt;,');
    expect(htmlOf(mail)).not.toContain('<script>');
    // The text part is not markup: it shows the name as typed.
    expect(textOf(mail)).toContain('Hello <script>alert(1)</script>,');
  });

  it('OrderConfirmed: one receipt with the lines, the total, the address and the order id', async () => {
    const { user, order } = await confirmedOrder();
    const mail = await theOnlyMail(user.email, new RegExp(`^Your order ${order.id} is confirmed$`));
    const line = order.items[0];
    expect(line).toBeDefined();
    for (const part of [textOf(mail), htmlOf(mail)]) {
      expect(part).toContain(order.id);
      expect(part).toContain('Monitor');
      expect(part).toContain(money(line?.price ?? Number.NaN, order.currency));
      expect(part).toContain(money(order.total, order.currency));
      expect(part).toContain(address.line1);
      expect(part).toContain(`${address.postalCode} ${address.city}`);
    }
    expect(textOf(mail)).toContain(`2 x `);
    expect(order.total).toBeCloseTo((line?.price ?? 0) * 2, 2);
  });

  it('OrderFailed: one email saying why, and that nothing was charged', async () => {
    const user = await registerCustomer();
    await addToCart(user.user.id, user.token, PRODUCT, 1);
    const placed = await placeOrder(user.token, 'tok_chargeDeclined');
    const order = await settled(placed.body.id, user.token);
    expect(order.status).toBe('FAILED');
    const mail = await theOnlyMail(user.email, new RegExp(`^Your order ${order.id} could not be completed$`));
    expect(textOf(mail)).toContain('the card was declined (PAYMENT_DECLINED)');
    expect(textOf(mail)).toContain('You have not been charged.');
    expect(htmlOf(mail)).toContain('You have not been charged.');
  });

  it('OrderCancelled and PaymentRefunded: cancelling a confirmed order sends one email each', async () => {
    const { user, order } = await confirmedOrder();
    const cancelled = await call<OrderView>(`/api/v1/orders/${order.id}/cancel`, { method: 'POST', token: user.token });
    expect(cancelled.status).toBe(200);
    const cancelMail = await theOnlyMail(user.email, new RegExp(`^Your order ${order.id} is cancelled$`));
    expect(textOf(cancelMail)).toContain('Your payment will be refunded');
    const refundMail = await theOnlyMail(user.email, new RegExp(`^Refund for order ${order.id}$`));
    expect(textOf(refundMail)).toContain(`we have refunded ${money(order.total, order.currency)}`);
    expect(htmlOf(refundMail)).toContain(money(order.total, order.currency));
  });

  it('OrderShipped and OrderDelivered: the admin moving the order sends one email each', async () => {
    const { user, order } = await confirmedOrder();
    const token = await admin();
    expect((await call(`/api/v1/orders/${order.id}/ship`, { method: 'POST', token })).status).toBe(200);
    const shipped = await theOnlyMail(user.email, new RegExp(`^Your order ${order.id} has shipped$`));
    expect(textOf(shipped)).toContain('is on its way');
    expect((await call(`/api/v1/orders/${order.id}/deliver`, { method: 'POST', token })).status).toBe(200);
    const delivered = await theOnlyMail(user.email, new RegExp(`^Your order ${order.id} was delivered$`));
    expect(textOf(delivered)).toContain('was delivered');
  });

  it("InventoryLow: one alert to the shop's admin address", async () => {
    const sku = `NOTIFY-${randomUUID().slice(0, 8).toUpperCase()}`;
    await setStock(sku, 20);
    await setStock(sku, 2);
    const mail = await theOnlyMail(target.adminEmail, new RegExp(`^Low stock: ${sku} \\(2 left\\)$`));
    expect(textOf(mail)).toContain(`Stock of ${sku} is low: 2 available (alert threshold 5)`);
  });
});

needs('mail').describe('nothing lost, nothing sent twice', () => {
  const events = () => new EventBridgeClient(awsClientConfig());

  const putEvent = async (detailType: string, source: string, detail: Record<string, unknown>) => {
    const reply = await events().send(
      new PutEventsCommand({
        Entries: [
          { EventBusName: eventBusName(), Source: source, DetailType: detailType, Detail: JSON.stringify(detail) },
        ],
      }),
    );
    expect(reply.FailedEntryCount).toBe(0);
    const id = reply.Entries?.[0]?.EventId;
    expect(id).toBeTruthy();
    return id as string;
  };

  const deadLetterOf = (eventId: string) =>
    eventually(
      async () =>
        (await callEndpoint<{ items: DeadLetter[] }>('/_aws/events/dead-letters')).body.items.find(
          (d) => d.event.id === eventId && d.rule === 'EmailNotifications',
        ),
      30_000,
    );

  needs('deadLetters').it(
    'a consumer that keeps failing (no such user) is retried, then the whole event is dead-lettered',
    async () => {
      const userId = `usr_${randomUUID()}`;
      const detail = {
        version: 1,
        correlationId: randomUUID(),
        userId,
        email: `ghost-${userId}@example.com`,
        firstName: 'Ghost',
        lastName: 'User',
      };
      const id = await putEvent('UserRegistered', 'shop.users', detail);
      const dead = await deadLetterOf(id);
      expect(dead.attempts).toBe(3);
      expect(dead.handler).toBe('notifications/handlers/events/send-notification');
      expect(dead.error).toContain(`No user ${userId} to notify`);
      // Not lost: the event is kept whole, ready to be replayed.
      expect(dead.event['detail-type']).toBe('UserRegistered');
      expect(dead.event.detail).toEqual(detail);
      expect(await mailTo(detail.email)).toHaveLength(0);
    },
  );

  needs('deadLetters').it('an event whose detail breaks the catalog is dead-lettered, not half-sent', async () => {
    const user = await registerCustomer();
    const id = await putEvent('OrderShipped', 'shop.orders', { version: 1, userId: user.user.id, orderId: 42 });
    const dead = await deadLetterOf(id);
    expect(dead.error).toContain('Invalid OrderShipped event');
    expect((await mailTo(user.email)).filter((m) => m.Subject.includes('shipped'))).toHaveLength(0);
  });

  it('the same event delivered twice sends one email', async () => {
    Object.assign(process.env, functionEnvironment(), {
      MAIL_FROM: mailFrom,
      ADMIN_EMAIL: target.adminEmail,
      POWERTOOLS_LOG_LEVEL: 'ERROR',
    });
    const { handler } = await import('../../functions/notifications/handlers/events/send-notification');
    const user = await registerCustomer();
    const orderId = `ord_${randomUUID()}`;
    const event = busEvent('OrderShipped', 'orders', {
      version: 1,
      correlationId: randomUUID(),
      orderId,
      userId: user.user.id,
    });
    const context = { getRemainingTimeInMillis: () => 10_000, functionName: 'test' } as unknown as Context;
    const first = await handler(structuredClone(event), context);
    const second = await handler(structuredClone(event), context);
    expect(second).toEqual(first);
    await theOnlyMail(user.email, new RegExp(`^Your order ${orderId} has shipped$`));
    // A different event (new id) for the same order is a new notification.
    await handler({ ...structuredClone(event), id: randomUUID() }, context);
    await eventually(
      async () => (await mailTo(user.email)).filter((m) => m.Subject.includes(orderId)).length === 2 || undefined,
    );
  });
});

needs('mail', 'mailPage').describe('the sandbox mail page', () => {
  it('shows each message with subject, from, to, time, text and the HTML in a sandboxed frame', async () => {
    const user = await registerCustomer({ first_name: '<img src=x onerror=alert(1)>' });
    const mail = await theOnlyMail(user.email, /^Welcome to the Shop$/);
    const page = await callEndpoint<string>('/mail');
    expect(page.status).toBe(200);
    const article = page.body.slice(page.body.indexOf(`<article id="${mail.Id}">`));
    expect(article).toContain('<h2>Welcome to the Shop</h2>');
    expect(article).toContain(`<dd>${mailFrom}</dd>`);
    expect(article).toContain(`<dd>${user.email}</dd>`);
    expect(article).toContain(`datetime="${mail.Timestamp}"`);
    expect(article).toContain('<iframe sandbox=""');
    expect(article).not.toContain('<img src=x');
  });
});
