import type { ReactNode } from 'react';
import { ApiError } from '../api/client';

export const Loading = ({ label = 'Loading…' }: { label?: string }) => (
  <p className="loading" role="status">
    {label}
  </p>
);

/** An error in words, announced to screen readers. */
export const ErrorMessage = ({ error, children }: { error?: unknown; children?: ReactNode }) => {
  if (!error && !children) return null;
  const text =
    children ?? (error instanceof ApiError || error instanceof Error ? error.message : 'Something went wrong');
  return (
    <p className="error" role="alert">
      {text}
    </p>
  );
};

/** A short confirmation after an action ("Saved"), announced politely. */
export const Notice = ({ children }: { children: ReactNode }) => (
  <p className="notice" role="status">
    {children}
  </p>
);
