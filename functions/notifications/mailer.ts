import { SESClient, SendEmailCommand } from '@aws-sdk/client-ses';
import type { Outgoing } from './service';

let client: SESClient | undefined;

/** SES SendEmail from the configured sender; the SDK's standard retry mode backs off on throttling. */
export const sesMailer =
  (from: string, maxAttempts = 6) =>
  async ({ to, email }: Outgoing): Promise<void> => {
    client ??= new SESClient({ maxAttempts });
    await client.send(
      new SendEmailCommand({
        Source: from,
        Destination: { ToAddresses: [to] },
        Message: {
          Subject: { Data: email.subject, Charset: 'UTF-8' },
          Body: { Text: { Data: email.text, Charset: 'UTF-8' }, Html: { Data: email.html, Charset: 'UTF-8' } },
        },
      }),
    );
  };
