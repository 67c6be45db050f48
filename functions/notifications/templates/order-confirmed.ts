import type { EventDetail } from '../../shared/event-catalog';
import { html } from '../html';
import type { Email, Greeting } from './email';
import { layout, money } from './layout';

type Detail = EventDetail<'OrderConfirmed'>;

const addressLines = (a: Detail['shippingAddress']): string[] =>
  [a.name, a.line1, a.line2, `${a.postalCode} ${a.city}`, a.country].filter((line): line is string => !!line);

/** The receipt: every line, the total, where it goes and the order id to quote. */
export const orderConfirmed = ({ firstName, ...order }: Greeting & Detail): Email => {
  const subject = `Your order ${order.orderId} is confirmed`;
  const address = addressLines(order.shippingAddress);
  const total = money(order.totalCents, order.currency);
  return {
    subject,
    text: `Hello ${firstName},

thank you for your order ${order.orderId}. We have received your payment.

${order.lines
  .map(
    (l) =>
      `${l.quantity} x ${l.name} (${l.sku}) at ${money(l.unitPriceCents, order.currency)} = ${money(l.lineTotalCents, order.currency)}`,
  )
  .join('\n')}

Total: ${total}

Shipping to:
${address.join('\n')}
`,
    html: layout(
      subject,
      html`<p>Hello ${firstName},</p>
<p>thank you for your order <strong>${order.orderId}</strong>. We have received your payment.</p>
<table style="border-collapse:collapse;width:100%">
<thead><tr><th align="left">Item</th><th align="right">Quantity</th><th align="right">Price</th><th align="right">Total</th></tr></thead>
<tbody>${order.lines.map(
        (l) =>
          html`<tr><td>${l.name} <small>(${l.sku})</small></td><td align="right">${l.quantity}</td><td align="right">${money(l.unitPriceCents, order.currency)}</td><td align="right">${money(l.lineTotalCents, order.currency)}</td></tr>`,
      )}</tbody>
<tfoot><tr><th align="left" colspan="3">Total</th><th align="right">${total}</th></tr></tfoot>
</table>
<h2 style="font-size:1.1rem">Shipping to</h2>
<p>${address.map((line, i) => (i === 0 ? html`${line}` : html`<br>${line}`))}</p>`,
    ),
  };
};
