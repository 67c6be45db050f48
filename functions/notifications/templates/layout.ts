import { html, type SafeHtml } from '../html';

/** The frame every HTML email shares. */
export const layout = (title: string, body: SafeHtml): string =>
  html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${title}</title></head>
<body style="font-family:system-ui,sans-serif;color:#222;max-width:40rem;margin:0 auto;padding:1rem">
<h1 style="font-size:1.3rem">${title}</h1>
${body}
<p style="color:#777;font-size:.85rem">This message was sent by the Shop. Please do not reply to it.</p>
</body></html>`.toString();

/** Integer cents as a decimal amount with its currency, without floating point: 129999 -> "1299.99 USD". */
export const money = (cents: number, currency: string): string => {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')} ${currency}`;
};
