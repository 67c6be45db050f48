import { describe, expect, it } from 'vitest';
import { PROVIDER_TIMEOUT_MS } from '../../../functions/payments/config';
import {
  InsufficientFundsError,
  PaymentDeclinedError,
  PaymentProviderTimeoutError,
} from '../../../functions/payments/errors';
import type { ChargeRequest } from '../../../functions/payments/provider';
import { SimulatedProcessor, simulatedProvider } from '../../../functions/payments/simulated-provider';

const request = (overrides: Partial<ChargeRequest> = {}): ChargeRequest => ({
  orderId: 'ord_1',
  amountCents: 1_000,
  currency: 'USD',
  token: 'tok_visa',
  idempotencyKey: 'order:ord_1:charge',
  ...overrides,
});

const fast = () => new SimulatedProcessor({ latencyMs: 1, slowLatencyMs: 10_000 });

describe('the simulated payment provider', () => {
  it('charges tok_visa, with a charge id that depends on the idempotency key alone', async () => {
    const provider = simulatedProvider(fast());
    const first = await provider.charge(request());
    const again = await provider.charge(request({ amountCents: 1_000 }));
    const other = await provider.charge(request({ idempotencyKey: 'order:ord_2:charge', orderId: 'ord_2' }));
    expect(first.chargeId).toMatch(/^ch_[\w-]{24}$/);
    expect(again.chargeId).toBe(first.chargeId);
    expect(other.chargeId).not.toBe(first.chargeId);
  });

  it.each([
    ['tok_chargeDeclined', PaymentDeclinedError, 'PAYMENT_DECLINED'],
    ['tok_chargeDeclinedInsufficientFunds', InsufficientFundsError, 'INSUFFICIENT_FUNDS'],
    ['tok_mastercard', PaymentDeclinedError, 'PAYMENT_DECLINED'],
    ['not-a-token', PaymentDeclinedError, 'PAYMENT_DECLINED'],
  ] as const)('fails %s with %s', async (token, errorClass, code) => {
    const error = await simulatedProvider(fast())
      .charge(request({ token }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(errorClass);
    // The state machine matches on these names.
    expect(error).toMatchObject({ name: errorClass.name, code, status: 422 });
  });

  it('declines an unknown token as an invalid card', async () => {
    await expect(simulatedProvider(fast()).charge(request({ token: 'tok_unknown' }))).rejects.toThrow(
      /token is not valid/,
    );
  });

  it('gives up on tok_timeout at the timeout, though the processor would answer much later', async () => {
    const started = Date.now();
    const error = await simulatedProvider(fast(), 50)
      .charge(request({ token: 'tok_timeout' }))
      .catch((e: unknown) => e);
    const elapsed = Date.now() - started;
    expect(error).toBeInstanceOf(PaymentProviderTimeoutError);
    expect(error).toMatchObject({ name: 'PaymentProviderTimeoutError', code: 'PAYMENT_PROVIDER_TIMEOUT' });
    expect(elapsed).toBeGreaterThanOrEqual(45);
    expect(elapsed).toBeLessThan(5_000);
  });

  it('times tok_timeout out after PROVIDER_TIMEOUT_MS with the default settings', async () => {
    expect(PROVIDER_TIMEOUT_MS).toBe(1500);
    const started = Date.now();
    await expect(simulatedProvider().charge(request({ token: 'tok_timeout' }))).rejects.toBeInstanceOf(
      PaymentProviderTimeoutError,
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(PROVIDER_TIMEOUT_MS - 50);
  });

  it('logs every request it receives', async () => {
    const processor = fast();
    const provider = simulatedProvider(processor);
    await provider.charge(request());
    await provider.charge(request());
    await provider.charge(request({ token: 'tok_chargeDeclined' })).catch(() => undefined);
    expect(processor.requests.filter((r) => r.kind === 'charge' && r.orderId === 'ord_1')).toHaveLength(3);
  });

  it('refunds a charge with a refund id that depends on the idempotency key alone', async () => {
    const provider = simulatedProvider(fast());
    const { chargeId } = await provider.charge(request());
    const refund = { chargeId, amountCents: 1_000, idempotencyKey: 'order:ord_1:refund' };
    const first = await provider.refund(refund);
    expect(first.refundId).toMatch(/^re_[\w-]{24}$/);
    expect((await provider.refund(refund)).refundId).toBe(first.refundId);
    // Another function instance (another processor client) can refund it: the processor is the state.
    expect((await simulatedProvider(fast()).refund(refund)).refundId).toBe(first.refundId);
    await expect(provider.refund({ ...refund, chargeId: 'bogus' })).rejects.toThrow(/No such charge/);
  });
});
