import type { AuditInput, AuditLog, AuditRecord } from '../../../functions/shared/audit';
import type { RateLimiter, RateLimitState } from '../../../functions/shared/rate-limit';
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

/** An audit log that keeps its records in a list, newest last. */
export const memoryAuditLog = () => {
  const records: AuditRecord[] = [];
  const log: AuditLog = {
    record: async (input: AuditInput, now = new Date()) => {
      const record = { id: String(records.length + 1), time: now.toISOString(), ...input };
      records.push(record);
      return record;
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
