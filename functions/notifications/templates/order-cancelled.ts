import { html } from '../html';
import type { Email, Greeting } from './email';
import { layout } from './layout';

export const orderCancelled = ({
  firstName,
  orderId,
  previousStatus,
}: Greeting & { orderId: string; previousStatus: 'PENDING' | 'CONFIRMED' }): Email => {
  const subject = `Your order ${orderId} is cancelled`;
  // A confirmed order was paid: its refund gets its own email once the provider has made it.
  const money =
    previousStatus === 'CONFIRMED'
      ? 'Your payment will be refunded; we will email you when it is.'
      : 'You have not been charged.';
  return {
    subject,
    text: `Hello ${firstName},

your order ${orderId} is cancelled. ${money}
`,
    html: layout(
      subject,
      html`<p>Hello ${firstName},</p>
<p>your order <strong>${orderId}</strong> is cancelled. ${money}</p>`,
    ),
  };
};
