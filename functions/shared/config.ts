import { type TableName, tables } from '../../lib/tables';

/** The one place that reads process.env; a missing variable fails fast with its name. */
const required = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`Missing environment variable ${name}`);
  return value;
};

export const tableName = (table: TableName): string => required(tables[table].envVar);

export const config = {
  get eventBusName() {
    return required('EVENT_BUS_NAME');
  },
  get checkoutStateMachineArn() {
    return required('CHECKOUT_STATE_MACHINE_ARN');
  },
  get mailFrom() {
    return required('MAIL_FROM');
  },
  /** Where operational alerts (InventoryLow) are mailed. */
  get adminEmail() {
    return required('ADMIN_EMAIL');
  },
  get signingKeySecretArn() {
    return required('SIGNING_KEY_SECRET_ARN');
  },
  get jwtIssuer() {
    return process.env.JWT_ISSUER ?? 'shop-platform';
  },
  get jwtAudience() {
    return process.env.JWT_AUDIENCE ?? 'shop-api';
  },
  /** RATE_LIMITS=off switches per-IP limits off (load tests, benchmarks); on by default. */
  get rateLimitsEnabled() {
    return process.env.RATE_LIMITS !== 'off';
  },
  /** Overrides every rate-limit window (seconds), so tests can see a window end; unset in production. */
  get rateLimitWindowSeconds(): number | undefined {
    const value = Number(process.env.RATE_LIMIT_WINDOW_SECONDS);
    return Number.isInteger(value) && value > 0 ? value : undefined;
  },
  /** Browser origins allowed to call the API with credentials (comma-separated). */
  get corsOrigins(): string[] {
    return (process.env.CORS_ORIGINS ?? '')
      .split(',')
      .map((origin) => origin.trim())
      .filter(Boolean);
  },
  /** The OpenSearch endpoint (https://... in AWS, set by CDK from the domain; the sandbox's own locally). */
  get searchEndpoint() {
    return required('SEARCH_ENDPOINT');
  },
  /** The product index's name: an alias of its current concrete index. */
  get searchIndex() {
    return process.env.SEARCH_INDEX ?? 'products';
  },
  /** The region requests to OpenSearch are signed for. */
  get region() {
    return required('AWS_REGION');
  },
  get serviceName() {
    return process.env.POWERTOOLS_SERVICE_NAME ?? 'shop';
  },
};
