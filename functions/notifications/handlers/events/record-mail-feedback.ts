import type { SNSEvent } from 'aws-lambda';
import { logger } from '../../../shared/logger';
import { suppressionList, suppressionsOf } from '../../suppression';

const list = suppressionList();

/**
 * SES's bounce and complaint notices (from the configuration set, through SNS): each permanently bouncing or
 * complaining address goes on the suppression list the notification function checks. A notice that is not
 * JSON throws, so that SNS retries and Lambda's failure handling keeps it.
 */
export const handler = async (event: SNSEvent): Promise<void> => {
  for (const record of event.Records) {
    const notice: unknown = JSON.parse(record.Sns.Message);
    for (const { email, reason } of suppressionsOf(notice)) {
      await list.suppress(email, reason);
      // The address is personal data: its domain is enough to follow a wave of bounces.
      logger.warn('address suppressed', { reason, domain: email.split('@')[1] ?? '' });
    }
  }
};
