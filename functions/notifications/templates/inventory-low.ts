import { html } from '../html';
import type { Email } from './email';
import { layout } from './layout';

/** To the shop's admin address, not to a customer. */
export const inventoryLow = ({
  sku,
  available,
  threshold,
}: {
  sku: string;
  available: number;
  threshold: number;
}): Email => {
  const subject = `Low stock: ${sku} (${available} left)`;
  return {
    subject,
    text: `Stock of ${sku} is low: ${available} available (alert threshold ${threshold}).
Restock it with PUT /api/v1/inventory/${sku}.
`,
    html: layout(
      subject,
      html`<p>Stock of <strong>${sku}</strong> is low: ${available} available (alert threshold ${threshold}).</p>
<p>Restock it with <code>PUT /api/v1/inventory/${sku}</code>.</p>`,
    ),
  };
};
