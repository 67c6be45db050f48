import { type FormEvent, useEffect, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { AUDIT_TYPES } from '../../../../functions/shared/audit-types';
import { type AuditFilters, type AuditRecord, type AuditType, useAdminAudit } from '../../api/admin';
import { ApiError } from '../../api/client';
import { Field, type FieldErrors, formValues, SelectField } from '../../components/forms';
import { ErrorMessage, Loading } from '../../components/Status';
import { TableScroll } from '../../components/TableScroll';
import { AdminHeading, DateTime, LoadMore } from '../components';

/** Every audit type, said in words: the compiler refuses a missing or an unknown type. */
const AUDIT_TYPE_LABELS: Record<AuditType, string> = {
  'auth.register': 'Account created',
  'auth.login': 'Signed in',
  'auth.login_failed': 'Sign-in refused',
  'auth.logout': 'Signed out',
  'auth.password_changed': 'Password changed',
  'auth.token_missing': 'No session token on a protected route',
  'auth.token_rejected': 'Session token refused',
  'access.refused': 'Access refused',
  'user.profile_updated': 'Profile updated',
  'admin.operation': 'Admin operation',
  'api.server_error': 'Server error',
  'security.suspicious_activity': 'Suspicious activity',
};
const isAuditType = (value: string | null): value is AuditType => AUDIT_TYPES.some((type) => type === value);

/** A date input's day as an instant: the start of that day, or its last millisecond, in the reader's time zone. */
const dayToIso = (day: string, end: boolean): string | undefined => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return day === '' ? undefined : day;
  const instant = new Date(`${day}T${end ? '23:59:59.999' : '00:00:00.000'}`);
  return Number.isNaN(instant.getTime()) ? day : instant.toISOString();
};

/** What happened, in a line: the call of an admin operation, else the facts recorded with the entry. */
const detailSummary = (record: AuditRecord): string => {
  const detail = record.detail ?? {};
  if (record.type === 'admin.operation' && detail.method && detail.route) {
    const path = detail.path && detail.path !== detail.route ? ` (${detail.path})` : '';
    return `${detail.method} ${detail.route}${path} → ${detail.status ?? '?'}`;
  }
  const entries = Object.entries(detail);
  return entries.length === 0 ? '' : entries.map(([key, value]) => `${key}: ${String(value)}`).join(', ');
};

const AuditTable = ({ records }: { records: AuditRecord[] }) => (
  <TableScroll label="Audit log entries">
    <table className="audit-table">
      <caption className="visually-hidden">Audit log entries, newest first</caption>
      <thead>
        <tr>
          <th scope="col">Time</th>
          <th scope="col">Type</th>
          <th scope="col">Actor</th>
          <th scope="col">Outcome</th>
          <th scope="col">IP</th>
          <th scope="col">User agent</th>
          <th scope="col">Detail</th>
        </tr>
      </thead>
      <tbody>
        {records.map((record) => (
          <tr key={record.id}>
            <th scope="row">
              <DateTime value={record.time} />
            </th>
            <td className="nowrap">{record.type}</td>
            <td className="order-id">
              {record.actor ? (
                <Link to={`/admin/audit?actor=${encodeURIComponent(record.actor)}`}>{record.actor}</Link>
              ) : (
                <span className="muted-inline">unknown</span>
              )}
            </td>
            <td className="nowrap">
              <span className={`outcome outcome-${record.outcome}`}>{record.outcome}</span>
            </td>
            <td className="nowrap">{record.ip}</td>
            <td className="user-agent">{record.userAgent}</td>
            <td className="detail">{detailSummary(record)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  </TableScroll>
);

const AuditEntries = ({ filters, onInvalid }: { filters: AuditFilters; onInvalid: (errors: FieldErrors) => void }) => {
  const audit = useAdminAudit(filters);
  const records = audit.data?.pages.flatMap((page) => page.items) ?? [];
  const invalid = audit.error instanceof ApiError && audit.error.status === 400 ? audit.error : undefined;
  useEffect(() => {
    if (!invalid) return onInvalid({});
    const errors: FieldErrors = {};
    for (const issue of invalid.details) errors[issue.path || '_form'] ??= issue.message;
    if (invalid.details.length === 0) errors._form = invalid.message;
    onInvalid(errors);
  }, [invalid, onInvalid]);
  return (
    <>
      {audit.isPending && <Loading label="Loading the audit log…" />}
      {invalid ? (
        <p role="alert">The filters were refused: see the fields above.</p>
      ) : (
        <ErrorMessage error={audit.error} />
      )}
      {audit.isSuccess && (
        <p role="status">
          {records.length === 0
            ? 'No entries match these filters.'
            : `Showing ${records.length}${audit.hasNextPage ? '' : ' (all)'} ${records.length === 1 ? 'entry' : 'entries'}, newest first.`}
        </p>
      )}
      {records.length > 0 && <AuditTable records={records} />}
      <LoadMore
        hasMore={Boolean(audit.hasNextPage)}
        loading={audit.isFetchingNextPage}
        onLoadMore={() => void audit.fetchNextPage()}
      />
    </>
  );
};

/**
 * Auth events, refusals, server errors, suspicious activity and every admin call: filtered by actor, type and
 * days, newest first, a page at a time. Refusals anyone can repeat are one entry per IP and minute with a count.
 */
export const AuditPage = () => {
  const [params, setParams] = useSearchParams();
  // The API validates the filters (ListAuditQuery); a 400's details show next to the fields they name.
  const [errors, setErrors] = useState<FieldErrors>({});
  const actor = params.get('actor') ?? '';
  const requestedType = params.get('type');
  const type = isAuditType(requestedType) ? requestedType : undefined;
  const fromDay = params.get('from') ?? '';
  const toDay = params.get('to') ?? '';
  const filters: AuditFilters = {
    actor: actor || undefined,
    type,
    from: dayToIso(fromDay, false),
    to: dayToIso(toDay, true),
  };

  const apply = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const values = formValues(event.currentTarget);
    const next = {
      actor: values.actor?.trim() ?? '',
      type: values.type ?? '',
      from: values.from ?? '',
      to: values.to ?? '',
    };
    setParams(Object.fromEntries(Object.entries(next).filter(([, value]) => value !== '')));
  };

  return (
    <>
      <AdminHeading>Audit log</AdminHeading>
      <form
        key={params.toString()}
        className="filter-grid"
        onSubmit={apply}
        noValidate
        aria-label="Filter the audit log"
      >
        <ErrorMessage>{errors._form}</ErrorMessage>
        <Field
          label="Actor"
          name="actor"
          defaultValue={actor}
          error={errors.actor}
          hint="A user id"
          autoComplete="off"
          spellCheck={false}
        />
        <SelectField label="Type" name="type" defaultValue={type ?? ''} error={errors.type}>
          <option value="">All</option>
          {AUDIT_TYPES.map((value) => (
            <option key={value} value={value}>
              {AUDIT_TYPE_LABELS[value]} ({value})
            </option>
          ))}
        </SelectField>
        <Field label="From" name="from" type="date" defaultValue={fromDay} error={errors.from} />
        <Field label="To" name="to" type="date" defaultValue={toDay} error={errors.to} />
        <div className="admin-actions filter-actions">
          <button type="submit">Apply filters</button>
          {params.size > 0 && (
            <button type="button" className="secondary" onClick={() => setParams({})}>
              Clear filters
            </button>
          )}
        </div>
      </form>
      <AuditEntries filters={filters} onInvalid={setErrors} />
    </>
  );
};
