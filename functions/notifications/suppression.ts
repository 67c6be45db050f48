import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { platformKeys } from '../../lib/spec/platform';
import { tableName } from '../shared/config';
import { documentClient } from '../shared/dynamo';

export type SuppressionReason = 'bounce' | 'complaint';

/**
 * The addresses no mail goes to: SES reported a permanent bounce or a complaint for them (the configuration
 * set's feedback, lib/constructs/mail-feedback.ts). One item per address in the platform table.
 */
export const suppressionList = (client = documentClient) => ({
  /** Puts the address on the list (again: the latest report's reason and time win). */
  async suppress(email: string, reason: SuppressionReason, now = new Date()): Promise<void> {
    await client.send(
      new PutCommand({
        TableName: tableName('platform'),
        Item: { ...platformKeys.suppressed(email), reason, at: now.toISOString() },
      }),
    );
  },

  async isSuppressed(email: string): Promise<boolean> {
    const { Item } = await client.send(
      new GetCommand({ TableName: tableName('platform'), Key: platformKeys.suppressed(email) }),
    );
    return Item !== undefined;
  },
});

export type SuppressionList = ReturnType<typeof suppressionList>;

/** The part of an SES bounce or complaint notice that matters here (event publishing or identity notification). */
interface SesFeedback {
  eventType?: string;
  notificationType?: string;
  bounce?: { bounceType?: string; bouncedRecipients?: { emailAddress?: string }[] };
  complaint?: { complainedRecipients?: { emailAddress?: string }[] };
}

/**
 * The addresses an SES notice asks to stop mailing: every recipient of a permanent bounce (a transient one, a
 * full mailbox, may pass) and every complainant.
 */
export const suppressionsOf = (notice: unknown): { email: string; reason: SuppressionReason }[] => {
  const feedback = (typeof notice === 'object' && notice !== null ? notice : {}) as SesFeedback;
  const type = feedback.eventType ?? feedback.notificationType;
  const addresses = (list: { emailAddress?: string }[] | undefined) =>
    (list ?? []).map((recipient) => recipient.emailAddress).filter((email): email is string => Boolean(email));
  if (type === 'Bounce' && feedback.bounce?.bounceType === 'Permanent') {
    return addresses(feedback.bounce.bouncedRecipients).map((email) => ({ email, reason: 'bounce' as const }));
  }
  if (type === 'Complaint') {
    return addresses(feedback.complaint?.complainedRecipients).map((email) => ({
      email,
      reason: 'complaint' as const,
    }));
  }
  return [];
};
