import {
  type FormEvent,
  type InputHTMLAttributes,
  type ReactNode,
  type SelectHTMLAttributes,
  useEffect,
  useId,
  useRef,
  useState,
} from 'react';
import type * as z from 'zod/mini';
import type { FieldIssue } from '../../../functions/shared/errors';
import { check } from '../../../functions/shared/validation';
import { ApiError } from '../api/client';

export type FieldErrors = Record<string, string>;

const byField = (issues: FieldIssue[]): FieldErrors => {
  const errors: FieldErrors = {};
  for (const issue of issues) {
    const field = issue.path || '_form';
    errors[field] ??= issue.message;
  }
  return errors;
};

/**
 * Form validation with the API's own zod schema: the form refuses what the API would refuse, with the same
 * message next to the field. A 400 from the API (a rule only the server knows) lands next to its field too.
 * Put `ref` on the <form>: after a refused submit, focus moves to the first field in error.
 */
export const useSchemaForm = <T,>(schema: z.ZodMiniType<T>) => {
  const [errors, setErrors] = useState<FieldErrors>({});
  const [refusals, setRefusals] = useState(0);
  const ref = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (refusals > 0) ref.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [refusals]);
  const show = (next: FieldErrors) => {
    setErrors(next);
    setRefusals((n) => n + 1);
  };
  /**
   * Shows an API error: its field issues next to the fields, else its message next to the field that
   * `fieldOfCode` names for its code (`{ EMAIL_TAKEN: 'email' }`), else above the form.
   * The map is typed loosely so that `onError: form.showApiError` works too (the mutation's variables then
   * come second, and name no error code).
   */
  const showApiError = (error: unknown, fieldOfCode?: Readonly<Record<string, string>> | object) => {
    const named =
      error instanceof ApiError ? (fieldOfCode as Record<string, unknown> | undefined)?.[error.code] : undefined;
    if (error instanceof ApiError && error.details.length > 0) show(byField(error.details));
    else if (typeof named === 'string') show({ [named]: (error as ApiError).message });
    else show({ _form: error instanceof Error ? error.message : 'Something went wrong' });
  };
  return {
    errors,
    ref,
    /** The parsed body, or undefined after showing the errors. */
    validate: (input: unknown): T | undefined => {
      const result = check(schema, input);
      if (result.ok) setErrors({});
      else show(byField(result.issues));
      return result.ok ? result.data : undefined;
    },
    showApiError,
    clear: () => setErrors({}),
    /** For the form's onChange: a field's error goes once the field is edited (the form's own error stays). */
    onFieldChange: (event: FormEvent<HTMLFormElement>) => {
      const name = (event.target as { name?: unknown }).name;
      if (typeof name === 'string' && name in errors) {
        setErrors(({ [name]: _, ...rest }) => rest);
      }
    },
  };
};

interface FieldProps extends InputHTMLAttributes<HTMLInputElement> {
  label: string;
  name: string;
  error?: string | undefined;
  hint?: ReactNode;
}

/** A labelled input with its hint and its error, tied together for assistive technology. */
export const Field = ({ label, name, error, hint, ...input }: FieldProps) => {
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        name={name}
        aria-invalid={error ? true : undefined}
        aria-describedby={[hintId, errorId].filter(Boolean).join(' ') || undefined}
        {...input}
      />
      {hint && (
        <small id={hintId} className="hint">
          {hint}
        </small>
      )}
      {error && (
        <small id={errorId} className="field-error">
          {error}
        </small>
      )}
    </div>
  );
};

interface SelectFieldProps extends SelectHTMLAttributes<HTMLSelectElement> {
  label: string;
  name: string;
  error?: string | undefined;
  children: ReactNode;
}

export const SelectField = ({ label, name, error, children, ...select }: SelectFieldProps) => {
  const id = useId();
  const errorId = error ? `${id}-error` : undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} name={name} aria-invalid={error ? true : undefined} aria-describedby={errorId} {...select}>
        {children}
      </select>
      {error && (
        <small id={errorId} className="field-error">
          {error}
        </small>
      )}
    </div>
  );
};

/** The form's values as strings, by field name. */
export const formValues = (form: HTMLFormElement): Record<string, string> => {
  const values: Record<string, string> = {};
  for (const [name, value] of new FormData(form)) if (typeof value === 'string') values[name] = value;
  return values;
};
