import * as z from 'zod/mini';
import { AUDIT_TYPES } from '../shared/audit-types';

const Instant = z.string().check(z.iso.datetime({ offset: true }));

export const ListAuditQuery = z
  .object({
    actor: z.optional(z.string().check(z.minLength(1), z.maxLength(128))),
    type: z.optional(z.enum(AUDIT_TYPES)),
    from: z.optional(Instant),
    to: z.optional(Instant),
    limit: z.optional(
      z.pipe(
        z.string().check(z.regex(/^\d{1,3}$/, 'Expected a whole number')),
        z.pipe(z.transform(Number), z.number().check(z.gte(1), z.lte(100))),
      ),
    ),
    cursor: z.optional(z.string().check(z.minLength(1), z.maxLength(2048))),
  })
  .check(
    z.refine((q) => !q.from || !q.to || Date.parse(q.from) <= Date.parse(q.to), {
      message: 'from must not be after to',
      path: ['from'],
    }),
  );
export type ListAuditQuery = z.infer<typeof ListAuditQuery>;
