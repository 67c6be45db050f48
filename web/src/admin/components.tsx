import { type TextareaHTMLAttributes, useId } from 'react';
import { PageHeading } from '../components/PageHeading';

/** The admin page's h1; the document title says it is the dashboard. */
export const AdminHeading = ({ children }: { children: string }) => (
  <PageHeading title={`${children} · Admin`}>{children}</PageHeading>
);

const dateTimes = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'medium' });
const dates = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeZone: 'UTC' });

/** An instant in the reader's time zone, machine-readable too. */
export const DateTime = ({ value }: { value: string }) => (
  <time dateTime={value}>{Number.isNaN(Date.parse(value)) ? value : dateTimes.format(new Date(value))}</time>
);

/** A `YYYY-MM-DD` day (the reports count UTC days). */
export const Day = ({ value }: { value: string }) => (
  <time dateTime={value}>{Number.isNaN(Date.parse(value)) ? value : dates.format(new Date(value))}</time>
);

const REASONS: Record<string, string> = {
  OUT_OF_STOCK: 'Out of stock',
  RESERVATION_FAILED: 'Stock could not be reserved',
  PAYMENT_DECLINED: 'Payment declined',
  INSUFFICIENT_FUNDS: 'Insufficient funds',
  PAYMENT_TIMEOUT: 'Payment timed out',
  PAYMENT_ERROR: 'Payment error',
  ORDER_NOT_CONFIRMABLE: 'Order could no longer be confirmed',
  CHECKOUT_ABANDONED: 'Checkout stalled and was not completed',
  NOT_SETTLED: 'No run of its checkout could settle it',
  CANCELLED: 'Cancelled',
  OTHER: 'Other reasons',
};

/** A failure reason code (OUT_OF_STOCK) in words; an unknown code reads as a sentence of its words. */
export const reasonInWords = (reason: string): string => {
  const known = REASONS[reason];
  if (known) return known;
  if (!/^[A-Z][A-Z0-9_]*$/.test(reason)) return reason;
  const words = reason.toLowerCase().replaceAll('_', ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
};

interface LoadMoreProps {
  hasMore: boolean;
  loading: boolean;
  onLoadMore: () => void;
  /** What is loaded, for the button's accessible name when a page has two lists. */
  what?: string;
}

export const LoadMore = ({ hasMore, loading, onLoadMore, what }: LoadMoreProps) =>
  hasMore ? (
    <p className="load-more">
      <button type="button" className="secondary" onClick={onLoadMore} disabled={loading}>
        {loading ? 'Loading…' : 'Load more'}
        {what && <span className="visually-hidden"> {what}</span>}
      </button>
    </p>
  ) : null;

interface TextAreaFieldProps extends TextareaHTMLAttributes<HTMLTextAreaElement> {
  label: string;
  name: string;
  error?: string | undefined;
}

/** A labelled textarea with its error, like the shared Field. */
export const TextAreaField = ({ label, name, error, ...textarea }: TextAreaFieldProps) => {
  const id = useId();
  const errorId = error ? `${id}-error` : undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <textarea id={id} name={name} aria-invalid={error ? true : undefined} aria-describedby={errorId} {...textarea} />
      {error && (
        <small id={errorId} className="field-error">
          {error}
        </small>
      )}
    </div>
  );
};
