import type { FunctionSpec } from './bindings';

/** The function that sends the notified events' emails (lib/spec/event-rules.ts). */
export const NOTIFIER = 'notifications/handlers/events/send-notification';

/**
 * Puts the addresses of SES's bounce and complaint notices (the configuration set's SNS topic) on the
 * suppression list, which the notifier reads before every email.
 */
export const mailFeedbackRecorder: FunctionSpec = {
  handler: 'notifications/handlers/events/record-mail-feedback',
  bindings: { platform: { mailSuppression: ['write'] } },
};

/** The notifier's metrics (Powertools, EMF) in the stage's namespace. */
export const MAIL_METRICS = {
  /** Count: an email not sent because its address is on the suppression list. */
  suppressed: 'EmailsSuppressed',
} as const;
