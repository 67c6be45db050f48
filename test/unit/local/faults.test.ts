import { describe, expect, it } from 'vitest';
import { FaultRegistry, InjectedFaultError, InvalidFaultError } from '../../../local/faults';

const functions = new Set(['payments/handlers/saga/refund-payment', 'orders/handlers/saga/fail-order']);

describe('injected faults', () => {
  it('fails the invocations of the function it names whose event matches its pattern, and only those', async () => {
    const faults = new FaultRegistry(functions);
    const fault = faults.add({
      service: 'lambda',
      function: 'payments/handlers/saga/refund-payment',
      pattern: { userId: ['usr_ann'] },
    });
    const invoke = faults.wrap(async (_fn, event) => ({ ran: event }));
    const refund = { handler: 'payments/handlers/saga/refund-payment', bindings: {} };
    const fail = { handler: 'orders/handlers/saga/fail-order', bindings: {} };
    await expect(invoke(refund, { orderId: 'ord_1', userId: 'usr_ann' })).rejects.toBeInstanceOf(InjectedFaultError);
    await expect(invoke(refund, { orderId: 'ord_2', userId: 'usr_bob' })).resolves.toBeDefined();
    await expect(invoke(fail, { orderId: 'ord_1', userId: 'usr_ann' })).resolves.toBeDefined();
    expect(faults.list()).toEqual([{ ...fault, hits: 1 }]);
  });

  it('refuses bus events matching its pattern until it expires', () => {
    let now = 1_000_000;
    const faults = new FaultRegistry(functions, () => now);
    faults.add({ service: 'events', pattern: { detail: { userId: ['usr_ann'] } }, seconds: 10 });
    expect(faults.refusesEvent({ 'detail-type': 'OrderConfirmed', detail: { userId: 'usr_ann' } })).toBeDefined();
    expect(faults.refusesEvent({ 'detail-type': 'OrderConfirmed', detail: { userId: 'usr_bob' } })).toBeUndefined();
    now += 10_000;
    expect(faults.refusesEvent({ 'detail-type': 'OrderConfirmed', detail: { userId: 'usr_ann' } })).toBeUndefined();
    expect(faults.list()).toEqual([]);
  });

  it('refuses a fault it could not apply: an unknown function, a bad pattern, a bad duration', () => {
    const faults = new FaultRegistry(functions);
    expect(() => faults.add({ service: 'lambda', function: 'orders/handlers/saga/nope' })).toThrow(InvalidFaultError);
    expect(() => faults.add({ service: 'events', pattern: { source: 'not-a-list' } })).toThrow(InvalidFaultError);
    expect(() => faults.add({ service: 'events', seconds: -1 })).toThrow(InvalidFaultError);
    expect(() => faults.add({ service: 'sqs' })).toThrow(InvalidFaultError);
  });

  it('removes one fault by id, or all', () => {
    const faults = new FaultRegistry(functions);
    const one = faults.add({ service: 'events' });
    faults.add({ service: 'events' });
    expect(faults.remove(one.id)).toBe(true);
    expect(faults.remove(one.id)).toBe(false);
    expect(faults.list()).toHaveLength(1);
    faults.remove();
    expect(faults.list()).toEqual([]);
  });
});
