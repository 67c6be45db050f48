import type { AuditInput, AuditLog, AuditRecord, TallyInput } from '../../../functions/shared/audit';
import type { RateLimiter, RateLimitState } from '../../../functions/shared/rate-limit';
import type { SecurityAlerts, Suspect } from '../../../functions/shared/security-alerts';
import { EmailTakenError, UserNotFoundError } from '../../../functions/users/errors';
import type { UserRecord, UsersStore } from '../../../functions/users/store';
import type { RateLimit } from '../../../lib/spec/rate-limits';

/**
 * An in-memory UsersStore with the DynamoDB store's rules: an email belongs to one user, a profile
 * update needs the user, a password change applies only under the token version it was read with.
 */
export const memoryUsersStore = (initial: UserRecord[] = []) => {
  const users = new Map(initial.map((user) => [user.id, { ...user }]));
  const emails = new Map(initial.map((user) => [user.email, user.id]));
  const revoked = new Map<string, number>();
  const store: UsersStore = {
    create: async (user) => {
      if (emails.has(user.email)) throw new EmailTakenError();
      emails.set(user.email, user.id);
      users.set(user.id, { ...user });
    },
    getById: async (id) => {
      const user = users.get(id);
      return user && { ...user };
    },
    getByEmail: async (email) => {
      const id = emails.get(email);
      return id === undefined ? undefined : store.getById(id);
    },
    updateProfile: async (id, changes, now) => {
      const user = users.get(id);
      if (!user) throw new UserNotFoundError();
      const defined = Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined));
      Object.assign(user, defined, { updated_at: now.toISOString() });
      return { ...user };
    },
    changePassword: async (seen, passwordHash, now) => {
      const user = users.get(seen.id);
      if (!user || user.tokenVersion !== seen.tokenVersion) return undefined;
      Object.assign(user, { passwordHash, tokenVersion: seen.tokenVersion + 1, updated_at: now.toISOString() });
      return { ...user };
    },
    revoke: async (userId, tokenId, expiresAt) => {
      revoked.set(`${userId}#${tokenId}`, expiresAt);
    },
    sessionState: async (userId, tokenId) => {
      const user = users.get(userId);
      return {
        ...(user && { user: { role: user.role, tokenVersion: user.tokenVersion } }),
        revoked: revoked.has(`${userId}#${tokenId}`),
      };
    },
  };
  return { store, users, revoked };
};

/** An audit log that keeps its records in a list, newest last; a tally is one record whose detail counts. */
export const memoryAuditLog = () => {
  const records: AuditRecord[] = [];
  const tallies = new Map<string, AuditRecord>();
  const log: AuditLog = {
    record: async (input: AuditInput, now = new Date()) => {
      const record = { id: String(records.length + 1), time: now.toISOString(), ...input };
      records.push(record);
      return record;
    },
    recordOnce: async (id: string, input: AuditInput, now = new Date()) => {
      if (records.some((record) => record.id === id)) return false;
      records.push({ id, time: now.toISOString(), ...input });
      return true;
    },
    tally: async (input: TallyInput, now = new Date()) => {
      const key = `${input.type}#${input.ip}#${Math.floor(now.getTime() / 60_000)}`;
      const existing = tallies.get(key);
      const count = Number(existing?.detail?.count ?? 0) + 1;
      const record = existing ?? {
        id: `tally-${tallies.size + 1}`,
        time: now.toISOString(),
        outcome: 'failure',
        ...input,
      };
      record.detail = { ...record.detail, count };
      if (!existing) {
        tallies.set(key, record);
        records.push(record);
      }
      return { id: record.id, count };
    },
    list: async (filter) => ({
      items: records
        .filter(
          (r) =>
            (filter.actor === undefined || r.actor === filter.actor) &&
            (filter.type === undefined || r.type === filter.type),
        )
        .reverse()
        .slice(0, filter.limit),
      nextCursor: null,
    }),
  };
  return { log, records };
};

/** Counters by key, all in one window (the tests never see a window end); `counts` can be set up front. */
export const memoryRateLimiter = (counts = new Map<string, number>()) => {
  const state = (rule: RateLimit, count: number): RateLimitState => ({
    allowed: count <= rule.limit,
    limit: rule.limit,
    remaining: Math.max(0, rule.limit - count),
    resetSeconds: rule.windowSeconds,
  });
  const limiter: RateLimiter = {
    hit: async (name, rule) => {
      const count = (counts.get(name) ?? 0) + 1;
      counts.set(name, count);
      return state(rule, count);
    },
    take: async (name, rule) => {
      const count = counts.get(name) ?? 0;
      if (count >= rule.limit) return state(rule, rule.limit + 1);
      counts.set(name, count + 1);
      return state(rule, count + 1);
    },
    refund: async (name) => {
      const count = counts.get(name) ?? 0;
      if (count <= 1) counts.delete(name);
      else counts.set(name, count - 1);
    },
    peek: async (name, rule) => {
      const count = counts.get(name) ?? 0;
      return { ...state(rule, count + 1), remaining: Math.max(0, rule.limit - count) };
    },
  };
  return { limiter, counts };
};

/** Security alerts that only note what they were told: the counts seen and the admin sign-ins. */
export const recordingAlerts = () => {
  const counted: { kind: string; count: number; suspect: Suspect }[] = [];
  const adminSignIns: Suspect[] = [];
  const alerts: SecurityAlerts = {
    counted: async (kind, count, suspect) => {
      counted.push({ kind, count, suspect });
      return false;
    },
    adminSignedIn: async (suspect) => {
      adminSignIns.push(suspect);
      return false;
    },
  };
  return { alerts, counted, adminSignIns };
};
