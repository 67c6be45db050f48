import { createHash } from 'node:crypto';
import { PROVIDER_TIMEOUT_MS } from './config';
import { InsufficientFundsError, PaymentDeclinedError, PaymentProviderTimeoutError } from './errors';
import type { ChargeRequest, PaymentProvider, RefundRequest } from './provider';

/** The test card tokens the simulated processor knows, as a card processor's test mode does. */
export const TEST_TOKENS = {
  succeeds: 'tok_visa',
  declined: 'tok_chargeDeclined',
  insufficientFunds: 'tok_chargeDeclinedInsufficientFunds',
  /** The processor answers, but only long after the caller's timeout. */
  timeout: 'tok_timeout',
} as const;

export type DeclineCode = 'card_declined' | 'insufficient_funds' | 'invalid_card';

/** What the processor answers a charge with, in its own terms. */
export type ChargeAnswer =
  | { outcome: 'succeeded'; chargeId: string }
  | { outcome: 'declined'; declineCode: DeclineCode };

export interface ProcessorRequest {
  kind: 'charge' | 'refund';
  idempotencyKey: string;
  amountCents: number;
  orderId?: string;
  chargeId?: string;
}

export interface SimulatedProcessorOptions {
  /** How long an ordinary answer takes. */
  latencyMs?: number;
  /** How long the answer to `tok_timeout` takes: longer than any caller waits. */
  slowLatencyMs?: number;
}

/** Ids derived from the idempotency key: a repeated request gets the very same charge or refund. */
const idFor = (prefix: string, idempotencyKey: string) =>
  `${prefix}_${createHash('sha256').update(idempotencyKey).digest('base64url').slice(0, 24)}`;

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', abort);
      resolve();
    }, ms);
    const abort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', abort, { once: true });
  });

/**
 * A card processor in test mode, in process: the outcome is chosen by the card token, like
 * Stripe's test tokens. It keeps no state a call depends on (a refund needs only the charge id),
 * so a function instance that did not make a charge can refund it, as with a real processor.
 * `requests` is what this instance was asked, the log a processor's dashboard would show.
 */
export class SimulatedProcessor {
  readonly requests: ProcessorRequest[] = [];
  private readonly latencyMs: number;
  private readonly slowLatencyMs: number;

  constructor(options: SimulatedProcessorOptions = {}) {
    this.latencyMs = options.latencyMs ?? 20;
    this.slowLatencyMs = options.slowLatencyMs ?? PROVIDER_TIMEOUT_MS * 4;
  }

  async charge(request: ChargeRequest, signal?: AbortSignal): Promise<ChargeAnswer> {
    this.requests.push({
      kind: 'charge',
      idempotencyKey: request.idempotencyKey,
      amountCents: request.amountCents,
      orderId: request.orderId,
    });
    const slow = request.token === TEST_TOKENS.timeout;
    await sleep(slow ? this.slowLatencyMs : this.latencyMs, signal);
    switch (request.token) {
      case TEST_TOKENS.succeeds:
      case TEST_TOKENS.timeout:
        return { outcome: 'succeeded', chargeId: idFor('ch', request.idempotencyKey) };
      case TEST_TOKENS.declined:
        return { outcome: 'declined', declineCode: 'card_declined' };
      case TEST_TOKENS.insufficientFunds:
        return { outcome: 'declined', declineCode: 'insufficient_funds' };
      default:
        return { outcome: 'declined', declineCode: 'invalid_card' };
    }
  }

  async refund(request: RefundRequest, signal?: AbortSignal): Promise<{ refundId: string }> {
    this.requests.push({
      kind: 'refund',
      idempotencyKey: request.idempotencyKey,
      amountCents: request.amountCents,
      chargeId: request.chargeId,
    });
    await sleep(this.latencyMs, signal);
    if (!request.chargeId.startsWith('ch_')) throw new Error(`No such charge: ${request.chargeId}`);
    return { refundId: idFor('re', request.idempotencyKey) };
  }
}

/** Calls the processor with a deadline, as an HTTP client with a timeout would. */
const withTimeout = async <T>(timeoutMs: number, call: (signal: AbortSignal) => Promise<T>): Promise<T> => {
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    return await call(signal);
  } catch (error) {
    if (signal.aborted) throw new PaymentProviderTimeoutError();
    throw error;
  }
};

/** The PaymentProvider adapter over the simulated processor: its answers become domain errors. */
export const simulatedProvider = (
  processor = new SimulatedProcessor(),
  timeoutMs = PROVIDER_TIMEOUT_MS,
): PaymentProvider => ({
  async charge(request) {
    const answer = await withTimeout(timeoutMs, (signal) => processor.charge(request, signal));
    if (answer.outcome === 'succeeded') return { chargeId: answer.chargeId };
    switch (answer.declineCode) {
      case 'insufficient_funds':
        throw new InsufficientFundsError();
      case 'invalid_card':
        throw new PaymentDeclinedError('The card was declined: the card token is not valid');
      default:
        throw new PaymentDeclinedError();
    }
  },

  refund: (request) => withTimeout(timeoutMs, (signal) => processor.refund(request, signal)),
});
