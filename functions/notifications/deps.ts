import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { MAIL_METRICS } from '../../lib/spec/mail-feedback';
import { config } from '../shared/config';
import { once } from '../shared/idempotency';
import { usersStore } from '../users/store';
import { sesMailer } from './mailer';
import type { EmailOnceDeps } from './service';
import { suppressionList } from './suppression';

/** Long enough to outlive every redelivery: the rule targets give up on an event after 2 hours. */
export const IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60;

const suppressions = suppressionList();
const metrics = new Metrics({ namespace: config.metricsNamespace, serviceName: config.serviceName });

/** The notifications context's dependencies, created once per function instance. */
export const deps: EmailOnceDeps = {
  users: usersStore(),
  send: sesMailer(config.mailFrom),
  adminEmail: config.adminEmail,
  isSuppressed: (email) => suppressions.isSuppressed(email),
  suppressed: (detailType) => {
    metrics.addMetric(MAIL_METRICS.suppressed, MetricUnit.Count, 1);
    metrics.addMetadata('detailType', detailType);
    metrics.publishStoredMetrics();
  },
  // No waiting on a duplicate in progress: EventBridge delivers it again.
  once: once({ scope: 'notifications.email', expiresAfterSeconds: IDEMPOTENCY_TTL_SECONDS, keyPath: 'id' }),
};
