import { html } from '../html';
import type { Email, Greeting } from './email';
import { layout } from './layout';

export const welcome = ({ firstName }: Greeting): Email => ({
  subject: 'Welcome to the Shop',
  text: `Hello ${firstName},

welcome to the Shop! Your account is ready: browse the catalog, fill your cart and check out whenever you like.
`,
  html: layout(
    'Welcome to the Shop',
    html`<p>Hello ${firstName},</p>
<p>welcome to the Shop! Your account is ready: browse the catalog, fill your cart and check out whenever you like.</p>`,
  ),
});
