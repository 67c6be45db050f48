const UNIT_MS = { minute: 60_000, hour: 3_600_000, day: 86_400_000 } as const;
type Unit = keyof typeof UNIT_MS;

export class InvalidScheduleError extends Error {}

/**
 * The interval of an EventBridge `rate(value unit)` expression, in milliseconds, with AWS's rules: a
 * positive whole number; minute(s), hour(s) or day(s), singular for 1 and plural otherwise (AWS refuses
 * `rate(1 minutes)` and `rate(5 minute)`). The sandbox does not run `cron(...)` expressions.
 */
export const rateIntervalMs = (expression: string): number => {
  const match = /^rate\((\d+) (minute|hour|day)(s?)\)$/.exec(expression.trim());
  if (!match) {
    throw new InvalidScheduleError(
      `${expression} is not a schedule the sandbox runs: rate(<n> minute|minutes|hour|hours|day|days)`,
    );
  }
  const value = Number(match[1]);
  const unit = match[2] as Unit;
  if (value < 1) throw new InvalidScheduleError(`${expression}: the rate must be at least 1`);
  if ((value === 1) !== (match[3] === '')) {
    throw new InvalidScheduleError(`${expression}: EventBridge wants rate(${value} ${unit}${value === 1 ? '' : 's'})`);
  }
  return value * UNIT_MS[unit];
};
