import { html } from '../html';
import type { Email, Greeting } from './email';
import { layout } from './layout';

/** The saga's failure reasons, said to a customer. */
const REASONS: Record<string, string> = {
  OUT_OF_STOCK: 'one of the items is out of stock',
  RESERVATION_FAILED: 'we could not reserve the items',
  PAYMENT_DECLINED: 'the card was declined',
  INSUFFICIENT_FUNDS: 'the card has insufficient funds',
  PAYMENT_TIMEOUT: 'the payment provider did not answer in time',
  PAYMENT_ERROR: 'the payment could not be processed',
};

export const reasonText = (reason: string): string => REASONS[reason] ?? 'the order could not be completed';

export const orderFailed = ({ firstName, orderId, reason }: Greeting & { orderId: string; reason: string }): Email => {
  const subject = `Your order ${orderId} could not be completed`;
  const why = reasonText(reason);
  return {
    subject,
    text: `Hello ${firstName},

we are sorry: your order ${orderId} could not be completed because ${why} (${reason}).
You have not been charged. Your cart is as you left it, so you can try again.
`,
    html: layout(
      subject,
      html`<p>Hello ${firstName},</p>
<p>we are sorry: your order <strong>${orderId}</strong> could not be completed because ${why} (${reason}).</p>
<p><strong>You have not been charged.</strong> Your cart is as you left it, so you can try again.</p>`,
    ),
  };
};
