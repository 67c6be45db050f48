import { DEFAULT_METRICS_NAMESPACE, DEFAULT_SEARCH_INDEX, ENV } from '../../lib/spec/env';
import { checkout } from '../../lib/spec/state-machines';
import { type TableName, tables } from '../../lib/spec/tables';

/** The one place that reads process.env; a missing variable fails fast with its name. */
const required = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`Missing environment variable ${name}`);
  return value;
};

export const tableName = (table: TableName): string => required(tables[table].envVar);

export const config = {
  get eventBusName() {
    return required(ENV.eventBusName);
  },
  get checkoutStateMachineArn() {
    return required(checkout.envVar);
  },
  get mailFrom() {
    return required(ENV.mailFrom);
  },
  /** Where operational alerts (InventoryLow, SuspiciousActivityDetected) are mailed. */
  get adminEmail() {
    return required(ENV.adminEmail);
  },
  get signingKeySecretArn() {
    return required(ENV.signingKeySecretArn);
  },
  get jwtIssuer() {
    return process.env[ENV.jwtIssuer] ?? 'shop-platform';
  },
  get jwtAudience() {
    return process.env[ENV.jwtAudience] ?? 'shop-api';
  },
  /** RATE_LIMITS=off switches per-IP limits off (load tests, benchmarks); on by default. */
  get rateLimitsEnabled() {
    return process.env[ENV.rateLimits] !== 'off';
  },
  /** Overrides every rate-limit window (seconds), so tests can see a window end; unset in production. */
  get rateLimitWindowSeconds(): number | undefined {
    const value = Number(process.env[ENV.rateLimitWindowSeconds]);
    return Number.isInteger(value) && value > 0 ? value : undefined;
  },
  /** Browser origins allowed to call the API with credentials (comma-separated). */
  get corsOrigins(): string[] {
    return (process.env[ENV.corsOrigins] ?? '')
      .split(',')
      .map((origin) => origin.trim())
      .filter(Boolean);
  },
  /** The OpenSearch endpoint (https://... in AWS, set by CDK from the domain; the sandbox's own locally). */
  get searchEndpoint() {
    return required(ENV.searchEndpoint);
  },
  /** The product index's name: an alias of its current concrete index. */
  get searchIndex() {
    return process.env[ENV.searchIndex] ?? DEFAULT_SEARCH_INDEX;
  },
  /** The region requests to OpenSearch are signed for. */
  get region() {
    return required(ENV.region);
  },
  get serviceName() {
    return process.env[ENV.serviceName] ?? 'shop';
  },
  /** Where the platform's metrics go (CDK sets one per stage: `Shop-dev`, `Shop-prod`). */
  get metricsNamespace() {
    return process.env[ENV.metricsNamespace] ?? DEFAULT_METRICS_NAMESPACE;
  },
};
