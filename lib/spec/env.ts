/**
 * The functions' environment variable names: CDK sets them (lib/constructs/bind.ts, the stateless stack),
 * the sandbox sets them (local/sandbox.ts), and functions/shared/config.ts is the one reader. Table names
 * and state machine ARNs have theirs in tables.ts and state-machines.ts.
 */
export const ENV = {
  eventBusName: 'EVENT_BUS_NAME',
  mailFrom: 'MAIL_FROM',
  adminEmail: 'ADMIN_EMAIL',
  signingKeySecretArn: 'SIGNING_KEY_SECRET_ARN',
  searchEndpoint: 'SEARCH_ENDPOINT',
  searchIndex: 'SEARCH_INDEX',
  jwtIssuer: 'JWT_ISSUER',
  jwtAudience: 'JWT_AUDIENCE',
  rateLimits: 'RATE_LIMITS',
  rateLimitWindowSeconds: 'RATE_LIMIT_WINDOW_SECONDS',
  corsOrigins: 'CORS_ORIGINS',
  serviceName: 'POWERTOOLS_SERVICE_NAME',
  metricsNamespace: 'POWERTOOLS_METRICS_NAMESPACE',
  region: 'AWS_REGION',
} as const;

/** The CloudWatch namespace of the platform's own metrics unless POWERTOOLS_METRICS_NAMESPACE says otherwise. */
export const DEFAULT_METRICS_NAMESPACE = 'Shop';

/** The product index's name (an alias of its current concrete index) unless SEARCH_INDEX says otherwise. */
export const DEFAULT_SEARCH_INDEX = 'products';
