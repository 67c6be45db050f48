import { html } from '../html';
import type { Email, Greeting } from './email';
import { layout } from './layout';

export const orderShipped = ({ firstName, orderId }: Greeting & { orderId: string }): Email => {
  const subject = `Your order ${orderId} has shipped`;
  return {
    subject,
    text: `Hello ${firstName},

good news: your order ${orderId} is on its way.
`,
    html: layout(
      subject,
      html`<p>Hello ${firstName},</p>
<p>good news: your order <strong>${orderId}</strong> is on its way.</p>`,
    ),
  };
};
