import type { PlatformGrant } from './platform';
import type { SearchAccess } from './search-index';
import type { TableName } from './tables';

/** The bounded contexts' own tables; the platform table is bound by purpose (`platform`). */
export type ContextTableName = Exclude<TableName, 'platform'>;

/**
 * What a function may touch. CDK turns each binding into an environment variable *and* the
 * matching least-privilege grant; the sandbox provides the same variables.
 */
export interface Bindings {
  tables?: Partial<Record<ContextTableName, 'read' | 'readwrite'>>;
  /**
   * The platform table (PLATFORM_TABLE), by purpose and way of use (lib/spec/platform.ts): each becomes a grant of
   * its calls on its partitions only (`dynamodb:LeadingKeys`).
   */
  platform?: PlatformGrant;
  /** PutEvents on the platform bus (EVENT_BUS_NAME). */
  events?: boolean;
  /**
   * StartExecution on the checkout state machine (CHECKOUT_STATE_MACHINE_ARN); `'describe'` also DescribeExecution
   * of its executions (what looks after stalled or cancelled orders must know whether their saga still runs).
   */
  checkout?: boolean | 'describe';
  /** SendEmail from the configured sender (MAIL_FROM). */
  mail?: boolean;
  /** Read the JWT signing key (SIGNING_KEY_SECRET_ARN in AWS). */
  signingKey?: boolean;
  /**
   * The product search domain (SEARCH_ENDPOINT), signed HTTP calls on the paths of one use (lib/spec/search-index.ts):
   * `read` searches, `index` keeps documents in line, `setup` creates, fills and rebuilds the index; `readwrite`
   * is all three (the sandbox's own start-up work).
   */
  search?: SearchAccess;
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
