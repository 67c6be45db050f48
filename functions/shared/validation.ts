import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';
import { type FieldIssue, ValidationError } from './errors';

// zod/mini ships without messages. Only the English locale is loaded: `z.locales` would bundle all
// of them (about 260 KB more per function). The commonest issues get messages a shopper can act on
// (the web app's forms show the very same text); the locale words the rest.
z.config(en());
z.config({
  customError: (issue) => {
    if (issue.code === 'invalid_type' && issue.input === undefined) return 'Required';
    if (issue.code === 'too_small' && issue.origin === 'string') {
      return Number(issue.minimum) <= 1 ? 'Required' : `Use at least ${issue.minimum} characters`;
    }
    if (issue.code === 'too_big' && issue.origin === 'string') return `Use at most ${issue.maximum} characters`;
    if (issue.code === 'invalid_format' && issue.format === 'email') return 'Enter a valid email address';
    return undefined;
  },
});

const issuePath = (path: PropertyKey[]): string => path.map(String).join('.');

/**
 * The parsed value, or every issue by field path: what the API answers in a 400's details, and what the
 * web app's forms show next to their fields (the same schema, the same messages).
 */
export const check = <T>(
  schema: z.ZodMiniType<T>,
  input: unknown,
): { ok: true; data: T } | { ok: false; issues: FieldIssue[] } => {
  const result = schema.safeParse(input);
  if (result.success) return { ok: true, data: result.data };
  return {
    ok: false,
    issues: result.error.issues.map((issue) => ({ path: issuePath(issue.path), message: issue.message })),
  };
};

/** Parses input with a schema, or throws a ValidationError naming every bad field. */
export const parse = <T>(schema: z.ZodMiniType<T>, input: unknown, what: string): T => {
  const result = check(schema, input);
  if (result.ok) return result.data;
  throw new ValidationError(`Invalid ${what}`, result.issues);
};
