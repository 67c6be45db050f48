import { type ApiRequest, api } from '../../../shared/api';
import { auditLog } from '../../../shared/audit';
import { ok } from '../../../shared/http';
import { ListAuditQuery } from '../../schemas';

const audit = auditLog();

/** The audit log, newest first; filters by actor, type and time range; cursor pagination. */
const listAudit = async (request: ApiRequest<undefined, ListAuditQuery>) => {
  const { from, to, ...filter } = request.query;
  return ok(
    await audit.list({
      ...filter,
      // Stored times are UTC ISO strings: compare like with like.
      ...(from && { from: new Date(from).toISOString() }),
      ...(to && { to: new Date(to).toISOString() }),
      limit: request.query.limit ?? 50,
    }),
  );
};

export const handler = api(listAudit, { query: ListAuditQuery });
