import type { TableName } from './tables';

/**
 * What a function may touch. CDK turns each binding into an environment variable *and* the
 * matching least-privilege grant; the sandbox provides the same variables.
 */
export interface Bindings {
  tables?: Partial<Record<TableName, 'read' | 'readwrite'>>;
  /** PutEvents on the platform bus (EVENT_BUS_NAME). */
  events?: boolean;
  /** StartExecution / DescribeExecution on the checkout state machine (CHECKOUT_STATE_MACHINE_ARN). */
  checkout?: boolean;
  /** SendEmail from the configured sender (MAIL_FROM). */
  mail?: boolean;
  /** Read the JWT signing key (SIGNING_KEY_SECRET_ARN in AWS). */
  signingKey?: boolean;
  /** The product search domain (SEARCH_ENDPOINT), signed HTTP reads or reads and writes. */
  search?: 'read' | 'readwrite';
  /**
   * The audit trail: PutItem and UpdateItem on the platform table (PLATFORM_TABLE), no read: audit records,
   * tallies, pending security alerts. Every route has it (lib/spec/routes.ts), and the authorizer.
   */
  audit?: boolean;
}

/** A function's timeout (seconds) and memory (MB) unless its spec says otherwise. */
export const DEFAULT_TIMEOUT_SECONDS = 10;
export const DEFAULT_MEMORY_MB = 512;

export interface FunctionSpec {
  /** Handler module under functions/, without extension, e.g. 'catalog/handlers/http/list-products'. */
  handler: string;
  bindings: Bindings;
  /** Seconds; default 10. */
  timeout?: number;
  /** MB; default 512. */
  memory?: number;
}
