import type { EventDetail } from '../../shared/event-catalog';
import { html } from '../html';
import type { Email } from './email';
import { layout } from './layout';

type Detail = EventDetail<'SuspiciousActivityDetected'>;

const minutes = (seconds: number) =>
  seconds % 60 === 0 ? `${seconds / 60} minute${seconds === 60 ? '' : 's'}` : `${seconds} s`;

/** What happened, in the subject's words, and the audit records that show it. */
const described = (d: Detail): { subject: string; what: string; records: string; advice: string } => {
  switch (d.kind) {
    case 'login_failures':
      return {
        subject: `Suspicious activity: ${d.count} failed sign-ins on ${d.email}`,
        what: `${d.count} failed sign-ins on ${d.email} within ${minutes(d.windowSeconds)}; the account is locked for the rest of the window.`,
        records: 'auth.login_failed',
        advice: 'If the owner did not try, someone is guessing the password.',
      };
    case 'rejected_tokens':
      return {
        subject: `Suspicious activity: ${d.count} rejected session tokens from ${d.ip}`,
        what: `${d.count} requests with a missing or invalid session token from ${d.ip} within ${minutes(d.windowSeconds)}.`,
        records: 'auth.token_rejected',
        advice: 'Someone may be forging or replaying session tokens.',
      };
    case 'refusals':
      return {
        subject: `Suspicious activity: ${d.count} refused requests from ${d.ip}`,
        what: `${d.count} refused requests (other users' resources, admin routes) from ${d.ip} within ${minutes(d.windowSeconds)}.`,
        records: 'access.refused',
        advice: 'Someone may be probing for other users’ orders, carts or payments.',
      };
    case 'admin_new_ip':
      return {
        subject: `Suspicious activity: admin ${d.email ?? d.userId} signed in from a new IP, ${d.ip}`,
        what: `The admin ${d.email ?? d.userId} signed in from ${d.ip}, an IP not seen before for them.`,
        records: 'auth.login',
        advice: 'If it was not them, change their password at once: it signs out every other session.',
      };
  }
};

/** To the shop's admin address: one message per episode, not per request. */
export const suspiciousActivity = (d: Detail): Email => {
  const { subject, what, records, advice } = described(d);
  const audit = `/admin/audit?type=${records}`;
  return {
    subject,
    text: `${what}
${advice}

Detected at: ${d.detectedAt}
IP: ${d.ip}
User agent: ${d.userAgent ?? 'unknown'}${d.userId ? `\nAccount: ${d.userId}` : ''}

The audit log has the records: ${audit}
`,
    html: layout(
      subject,
      html`<p>${what}</p>
<p>${advice}</p>
<ul>
<li>Detected at: ${d.detectedAt}</li>
<li>IP: ${d.ip}</li>
<li>User agent: ${d.userAgent ?? 'unknown'}</li>
${d.userId ? html`<li>Account: ${d.userId}</li>` : ''}
</ul>
<p>The audit log has the records: <code>${audit}</code></p>`,
    ),
  };
};
