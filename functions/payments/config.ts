import type { OnceOptions } from '../shared/idempotency';
import { PaymentInProgressError } from './errors';

/**
 * The payments context's tunables. Plain constants: nothing here differs between AWS, the sandbox
 * and the tests, and environment-specific settings come from functions/shared/config.ts.
 */

/** How long a call to the payment provider may take before we give up on it (the client-side timeout). */
export const PROVIDER_TIMEOUT_MS = 1500;

/**
 * How long a charge's or refund's outcome is remembered. The saga and POST /payments both finish
 * within minutes of each other; past this, the payment record itself (read consistently) stops a
 * second charge or refund.
 */
export const IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60;

/**
 * How long a concurrent duplicate waits for the first call's outcome: a provider call plus the
 * table writes around it, with room for a slow cold start. Past it, PaymentInProgressError.
 */
export const IN_PROGRESS_WAIT_MS = PROVIDER_TIMEOUT_MS + 8000;

/** Pause between two looks at an in-progress record (jittered up to twice this). */
export const IN_PROGRESS_POLL_MS = 100;

/**
 * How long an in-progress record locks out duplicates when the caller has no Lambda context to
 * tell its remaining time: the longest a payments function runs (its timeout in lib/).
 */
export const DEFAULT_LOCK_MS = 30_000;

/**
 * Once per order and operation, whoever asks: a record's key comes from `{orderId}` alone (scope
 * `payments.charge` or `payments.refund`, not the function's name), so the saga's charge function and
 * POST /payments share one. A concurrent duplicate waits for the first call's outcome.
 */
export const idempotencyOptions = (operation: 'charge' | 'refund'): OnceOptions<{ orderId: string }> => ({
  scope: `payments.${operation}`,
  expiresAfterSeconds: IDEMPOTENCY_TTL_SECONDS,
  inProgress: {
    waitMs: IN_PROGRESS_WAIT_MS,
    pollMs: IN_PROGRESS_POLL_MS,
    gaveUp: ({ orderId }) => new PaymentInProgressError(orderId),
  },
  defaultLockMs: DEFAULT_LOCK_MS,
});
