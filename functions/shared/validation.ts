import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';
import { type FieldIssue, ValidationError } from './errors';

// zod/mini ships without messages. Only the English locale is loaded: `z.locales` would bundle all
// of them (about 260 KB more per function).
z.config(en());

const issuePath = (path: PropertyKey[]): string => path.map(String).join('.');

/** Parses input with a schema, or throws a ValidationError naming every bad field. */
export const parse = <T>(schema: z.ZodMiniType<T>, input: unknown, what: string): T => {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const details: FieldIssue[] = result.error.issues.map((issue) => ({
    path: issuePath(issue.path),
    message: issue.message,
  }));
  throw new ValidationError(`Invalid ${what}`, details);
};
