const formats = new Map<string, Intl.NumberFormat>();

export const formatMoney = (amount: number, currency = 'USD') => {
  let format = formats.get(currency);
  if (!format) {
    format = new Intl.NumberFormat('en-US', { style: 'currency', currency });
    formats.set(currency, format);
  }
  return format.format(amount);
};

export const Money = ({ amount, currency = 'USD' }: { amount: number; currency?: string | undefined }) => (
  <span className="money">{formatMoney(amount, currency)}</span>
);
