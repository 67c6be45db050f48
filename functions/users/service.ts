import { randomUUID } from 'node:crypto';
import { loginFailureLimits } from '../../lib/spec/rate-limits';
import { routeOf } from '../../lib/spec/routes';
import type { AuditInput, AuditLog } from '../shared/audit';
import { config } from '../shared/config';
import { RateLimitedError, ValidationError } from '../shared/errors';
import type { DomainEvent } from '../shared/events';
import { logger } from '../shared/logger';
import type { RateLimiter } from '../shared/rate-limit';
import type { SecurityAlerts } from '../shared/security-alerts';
import { InvalidCredentialsError, InvalidTokenError, UserNotFoundError, WrongPasswordError } from './errors';
import { burnPasswordCheck, hashPassword, verifyPassword } from './passwords';
import type { ChangePasswordBody, LoginBody, RegisterBody, Role, UpdateProfileBody, User } from './schemas';
import { issueToken, type SessionClaims, verifySession } from './sessions';
import type { UserRecord, UsersStore } from './store';

export interface UsersDeps {
  users: UsersStore;
  audit: AuditLog;
  limiter: RateLimiter;
  alerts: SecurityAlerts;
  publish: (...events: DomainEvent[]) => Promise<void>;
  now?: () => Date;
}

/** Who is calling, for the audit log and the per-IP counters. */
export interface CallContext {
  ip: string;
  userAgent: string;
  requestId: string;
  correlationId: string;
}

export const toUser = (record: UserRecord): User => ({
  id: record.id,
  email: record.email,
  first_name: record.first_name,
  last_name: record.last_name,
  role: record.role,
  created_at: record.created_at,
  updated_at: record.updated_at,
});

const auditEntry = (
  call: CallContext,
  entry: Pick<AuditInput, 'type' | 'outcome' | 'actor' | 'detail'>,
): AuditInput => ({
  ...entry,
  ip: call.ip,
  userAgent: call.userAgent,
  requestId: call.requestId,
  correlationId: call.correlationId,
});

const suspectOf = (call: CallContext) => ({
  ip: call.ip,
  userAgent: call.userAgent,
  correlationId: call.correlationId,
});

export interface Session {
  user: User;
  token: string;
  claims: SessionClaims;
}

/** Creates a user with a bcrypt hash; the email is unique case-insensitively (the store guards it). */
export const createUser = async (
  deps: Pick<UsersDeps, 'users' | 'now'>,
  body: RegisterBody,
  role: Role = 'customer',
): Promise<UserRecord> => {
  const now = (deps.now ?? (() => new Date()))().toISOString();
  const record: UserRecord = {
    id: `usr_${randomUUID()}`,
    email: body.email,
    first_name: body.first_name,
    last_name: body.last_name,
    role,
    passwordHash: await hashPassword(body.password),
    tokenVersion: 0,
    created_at: now,
    updated_at: now,
  };
  await deps.users.create(record);
  return record;
};

export const register = async (deps: UsersDeps, body: RegisterBody, call: CallContext): Promise<Session> => {
  const record = await createUser(deps, body);
  const { token, claims } = await issueToken(record);
  await deps.audit.record(
    auditEntry(call, { type: 'auth.register', outcome: 'success', actor: record.id, detail: { email: record.email } }),
  );
  try {
    await deps.publish({
      context: 'users',
      detailType: 'UserRegistered',
      version: 1,
      correlationId: call.correlationId,
      data: { userId: record.id, email: record.email, firstName: record.first_name, lastName: record.last_name },
    });
  } catch (error) {
    // The account exists and the caller is signed in; a lost welcome event must not undo that.
    logger.error('UserRegistered not published', { error, userId: record.id });
  }
  return { user: toUser(record), token, claims };
};

/**
 * Signs in. Unknown email and wrong password take the same path (a bcrypt comparison either way)
 * and give the same error. Every attempt first takes a slot, atomically, from the account's and the
 * IP's failure counters (a conditional update that refuses once the limit is reached), and only then
 * is the password checked: however many attempts arrive at once, at most `limit` wrong passwords are
 * ever checked per account (and per IP) in a window; past that every attempt, right or wrong, is
 * refused with 429 until the window ends. A successful sign-in gives its own slots back (it was not a
 * failure) but does not clear the failures before it.
 */
export const login = async (deps: UsersDeps, body: LoginBody, call: CallContext): Promise<Session> => {
  const accountKey = `login-failure#account#${body.email}`;
  const ipKey = `login-failure#ip#${call.ip}`;
  // One instant for taking and giving back, so a refund lands in the window the slot was taken from.
  const now = (deps.now ?? (() => new Date()))();
  // The account's lockout always holds; the address's limit is a per-IP limit, off with them (RATE_LIMITS=off).
  const counters = [
    { name: accountKey, rule: loginFailureLimits.perAccount },
    ...(config.rateLimitsEnabled ? [{ name: ipKey, rule: loginFailureLimits.perIp }] : []),
  ];
  const giveBack = (taken: typeof counters) =>
    Promise.all(
      taken.map(({ name, rule }) =>
        deps.limiter.refund(name, rule, now).catch((error: unknown) => {
          logger.error('login attempt not given back', { error, name });
        }),
      ),
    );
  const states = await Promise.all(counters.map(({ name, rule }) => deps.limiter.take(name, rule, now)));
  const account = states[0];
  const accountFailures = account?.allowed ? account.limit - account.remaining : undefined;
  const blocked = states.filter((state) => !state.allowed);
  if (blocked.length > 0) {
    await giveBack(counters.filter((_, i) => states[i]?.allowed));
    await deps.audit.record(
      auditEntry(call, {
        type: 'auth.login_failed',
        outcome: 'failure',
        detail: { email: body.email, reason: 'throttled' },
      }),
    );
    throw new RateLimitedError(
      'Too many failed sign-in attempts, retry later',
      Math.max(...blocked.map((state) => state.resetSeconds)),
      'TOO_MANY_LOGIN_ATTEMPTS',
    );
  }
  const record = await deps.users.getByEmail(body.email);
  const valid = record
    ? await verifyPassword(body.password, record.passwordHash)
    : await burnPasswordCheck(body.password);
  if (!record || !valid) {
    // The slots taken above stay taken: they are this failure's count.
    await deps.audit.record(
      auditEntry(call, {
        type: 'auth.login_failed',
        outcome: 'failure',
        ...(record && { actor: record.id }),
        detail: { email: body.email, reason: record ? 'wrong_password' : 'unknown_email' },
      }),
    );
    // The failure that locks the account (its slot is the window's last) starts an episode.
    if (accountFailures !== undefined) {
      await deps.alerts.counted(
        'login_failures',
        accountFailures,
        { ...suspectOf(call), email: body.email, ...(record && { userId: record.id }) },
        now,
      );
    }
    throw new InvalidCredentialsError();
  }
  await giveBack(counters);
  const { token, claims } = await issueToken(record);
  await deps.audit.record(auditEntry(call, { type: 'auth.login', outcome: 'success', actor: record.id }));
  if (record.role === 'admin') {
    await deps.alerts.adminSignedIn({ ...suspectOf(call), userId: record.id, email: record.email }, now);
  }
  return { user: toUser(record), token, claims };
};

/** Revokes the token the call was made with; other sessions stay signed in. */
export const logout = async (
  deps: UsersDeps,
  session: { userId: string; tokenId: string; expiresAt: number },
  call: CallContext,
): Promise<void> => {
  await deps.users.revoke(session.userId, session.tokenId, session.expiresAt);
  await deps.audit.record(auditEntry(call, { type: 'auth.logout', outcome: 'success', actor: session.userId }));
};

const existingUser = async (deps: Pick<UsersDeps, 'users'>, userId: string) => {
  const record = await deps.users.getById(userId);
  if (!record) throw new UserNotFoundError();
  return record;
};

export const getProfile = async (deps: Pick<UsersDeps, 'users'>, userId: string): Promise<User> =>
  toUser(await existingUser(deps, userId));

export const updateProfile = async (
  deps: UsersDeps,
  userId: string,
  changes: UpdateProfileBody,
  call: CallContext,
): Promise<User> => {
  const record = await deps.users.updateProfile(userId, changes, (deps.now ?? (() => new Date()))());
  await deps.audit.record(
    auditEntry(call, {
      type: 'user.profile_updated',
      outcome: 'success',
      actor: userId,
      detail: { fields: Object.keys(changes).join(',') },
    }),
  );
  return toUser(record);
};

/**
 * Checks the old password, stores the new hash and raises the token version, which signs out every
 * other session; the caller gets a fresh token under the new version.
 */
export const changePassword = async (
  deps: UsersDeps,
  userId: string,
  body: ChangePasswordBody,
  call: CallContext,
): Promise<Session> => {
  const record = await existingUser(deps, userId);
  const old = body.old_password ?? body.current_password ?? '';
  if (!(await verifyPassword(old, record.passwordHash))) {
    await deps.audit.record(
      auditEntry(call, {
        type: 'auth.password_changed',
        outcome: 'failure',
        actor: userId,
        detail: { reason: 'wrong_password' },
      }),
    );
    throw new WrongPasswordError();
  }
  if (body.new_password.trim().toLowerCase() === record.email) {
    throw new ValidationError('Invalid request body', [
      { path: 'new_password', message: 'The password must not be the email address' },
    ]);
  }
  const updated = await deps.users.changePassword(
    record,
    await hashPassword(body.new_password),
    (deps.now ?? (() => new Date()))(),
  );
  // Another change won the race: the caller's view is stale, and so is its session.
  if (!updated) throw new WrongPasswordError();
  const { token, claims } = await issueToken(updated);
  await deps.audit.record(auditEntry(call, { type: 'auth.password_changed', outcome: 'success', actor: userId }));
  return { user: toUser(updated), token, claims };
};

/** A call as the API Gateway REQUEST authorizer sees it. */
export interface AuthorizeRequest {
  token: string | undefined;
  method: string;
  /** The API's resource path (`/orders/{id}`), looked up in the route table. */
  resource: string;
  ip: string;
  userAgent: string;
  requestId: string;
}

/** What the authorizer answers: the principal, whether the route's level lets it in, and its context for handlers. */
export interface Authorization {
  userId: string;
  allowed: boolean;
  context: { userId: string; role: Role; tokenId: string; tokenExpiresAt: number };
}

/**
 * Counts a refused request into its audit tally (one record per type, IP and minute: a spray of bad tokens is
 * one record with a count, one write per request) and towards the IP's alert. Never throws: a failed audit
 * write must not change the authorizer's answer.
 */
const tallyRefusal = async (
  deps: Pick<UsersDeps, 'audit' | 'alerts'>,
  request: AuthorizeRequest,
  type: 'auth.token_missing' | 'auth.token_rejected' | 'access.refused',
  reason: string,
  actor?: string,
) => {
  try {
    const { count } = await deps.audit.tally({
      type,
      ...(actor && { actor }),
      ip: request.ip,
      userAgent: request.userAgent,
      detail: { reason, method: request.method, route: request.resource },
      requestId: request.requestId,
    });
    const suspect = {
      ip: request.ip,
      userAgent: request.userAgent,
      ...(actor && { userId: actor }),
      correlationId: request.requestId,
    };
    await deps.alerts.counted(type === 'access.refused' ? 'refusals' : 'rejected_tokens', count, suspect);
  } catch (error) {
    logger.error('audit record failed', { error });
  }
};

/**
 * Verifies the session token and the route's level from the route table (a route the table does not know is
 * admin-only); handlers check ownership. No token or an invalid one throws InvalidTokenError (a 401); a customer
 * on an admin route is not allowed (a 403). Every refusal is tallied in the audit log (at most one write per
 * request); a failed audit write never changes the answer.
 */
export const authorize = async (
  deps: Pick<UsersDeps, 'users' | 'audit' | 'alerts'>,
  request: AuthorizeRequest,
): Promise<Authorization> => {
  if (!request.token) {
    await tallyRefusal(deps, request, 'auth.token_missing', 'NO_TOKEN');
    throw new InvalidTokenError('NO_TOKEN');
  }
  let session: SessionClaims;
  try {
    session = await verifySession(request.token, deps.users);
  } catch (error) {
    if (error instanceof InvalidTokenError) await tallyRefusal(deps, request, 'auth.token_rejected', error.reason);
    throw error;
  }
  const level = routeOf(request.method, request.resource)?.auth ?? 'admin';
  const allowed = level !== 'admin' || session.role === 'admin';
  if (!allowed) await tallyRefusal(deps, request, 'access.refused', 'ROLE_NOT_ALLOWED', session.userId);
  return {
    userId: session.userId,
    allowed,
    context: {
      userId: session.userId,
      role: session.role,
      tokenId: session.tokenId,
      tokenExpiresAt: session.expiresAt,
    },
  };
};
