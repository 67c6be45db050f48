import { html } from '../html';
import type { Email, Greeting } from './email';
import { layout } from './layout';

export const orderDelivered = ({ firstName, orderId }: Greeting & { orderId: string }): Email => {
  const subject = `Your order ${orderId} was delivered`;
  return {
    subject,
    text: `Hello ${firstName},

your order ${orderId} was delivered. We hope you enjoy it.
`,
    html: layout(
      subject,
      html`<p>Hello ${firstName},</p>
<p>your order <strong>${orderId}</strong> was delivered. We hope you enjoy it.</p>`,
    ),
  };
};
