import type { CapturedMail } from './ses';

const escapeHtml = (text: string) =>
  text.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&#39;', '"': '&quot;' })[c] ?? c);

const message = (mail: CapturedMail) => {
  const recipients = [...mail.Destination.ToAddresses, ...(mail.Destination.CcAddresses ?? [])].join(', ');
  // The HTML part renders in a sandboxed frame: no scripts, no same-origin access, no forms.
  const html = mail.Body.html_part
    ? `<iframe sandbox="" referrerpolicy="no-referrer" title="HTML part" srcdoc="${escapeHtml(mail.Body.html_part)}"></iframe>`
    : '';
  const text = mail.Body.text_part ? `<pre>${escapeHtml(mail.Body.text_part)}</pre>` : '';
  return `<article id="${escapeHtml(mail.Id)}">
  <h2>${escapeHtml(mail.Subject)}</h2>
  <dl><dt>From</dt><dd>${escapeHtml(mail.Source)}</dd><dt>To</dt><dd>${escapeHtml(recipients)}</dd>
  <dt>Time</dt><dd><time datetime="${escapeHtml(mail.Timestamp)}">${escapeHtml(mail.Timestamp)}</time></dd></dl>
  ${html}${text}
</article>`;
};

/** The sandbox's mailbox, like MailHog's: newest first. */
export const mailPage = (messages: CapturedMail[]): string => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sandbox mail (${messages.length})</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem;color:#222}
article{border:1px solid #ccc;border-radius:6px;padding:1rem;margin:1rem 0}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem;margin:0 0 1rem}dt{font-weight:600}dd{margin:0}
iframe{width:100%;min-height:16rem;border:1px solid #eee}pre{white-space:pre-wrap;background:#f7f7f7;padding:.5rem}
</style></head><body>
<h1>Sandbox mail</h1>
<p>${messages.length} message(s) captured by the local SES. JSON: <a href="/_aws/ses">/_aws/ses</a>.</p>
${messages.length === 0 ? '<p>No mail yet.</p>' : [...messages].reverse().map(message).join('\n')}
</body></html>`;
