/** Money is integer cents inside; the API speaks decimal major units with at most two decimals. */
export const toCents = (amount: number): number => {
  const cents = Math.round(amount * 100);
  if (!Number.isFinite(amount) || Math.abs(amount * 100 - cents) > 1e-6) {
    throw new RangeError(`${amount} is not an amount with at most two decimals`);
  }
  return cents;
};

export const fromCents = (cents: number): number => cents / 100;

export const isMoneyAmount = (amount: number): boolean => {
  try {
    toCents(amount);
    return true;
  } catch {
    return false;
  }
};
