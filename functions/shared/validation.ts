import * as z from 'zod/mini';
import { type FieldIssue, ValidationError } from './errors';

// zod/mini ships without messages; the English locale gives readable ones at a small cost.
z.config(z.locales.en());

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
