import { html } from '../html';
import type { Email, Greeting } from './email';
import { layout, money } from './layout';

export const paymentRefunded = ({
  firstName,
  orderId,
  amountCents,
  currency,
}: Greeting & { orderId: string; amountCents: number; currency: string }): Email => {
  const subject = `Refund for order ${orderId}`;
  const amount = money(amountCents, currency);
  return {
    subject,
    text: `Hello ${firstName},

we have refunded ${amount} for your order ${orderId}. Depending on your bank, it can take a few days to appear on your statement.
`,
    html: layout(
      subject,
      html`<p>Hello ${firstName},</p>
<p>we have refunded <strong>${amount}</strong> for your order <strong>${orderId}</strong>.
Depending on your bank, it can take a few days to appear on your statement.</p>`,
    ),
  };
};
