import { randomUUID } from 'node:crypto';
import { errors, jwtVerify, SignJWT } from 'jose';
import { config } from '../shared/config';
import { JWT_ALGORITHM, signingKeys } from '../shared/signing-key';
import { InvalidTokenError } from './errors';
import type { Role } from './schemas';
import type { UsersStore } from './store';

export const SESSION_COOKIE = 'session';
export const SESSION_TTL_SECONDS = 24 * 60 * 60;
/** How far ahead of this clock a token's `iat` may be (the clocks of the signer and the verifier drift). */
export const CLOCK_SKEW_SECONDS = 60;
/** A user id as createUser makes them (`usr_` and a UUID); bounded, so no claim reaches a store key unchecked. */
const USER_ID = /^usr_[A-Za-z0-9-]{1,64}$/;
/** A token id as issueToken makes them (a UUID), with room to spare but bounded. */
const TOKEN_ID = /^[A-Za-z0-9-]{1,64}$/;

export interface SessionClaims {
  userId: string;
  role: Role;
  tokenId: string;
  tokenVersion: number;
  issuedAt: number;
  expiresAt: number;
}

export const issueToken = async (
  user: { id: string; role: Role; tokenVersion: number },
  now = new Date(),
): Promise<{ token: string; claims: SessionClaims }> => {
  const { privateKey, kid } = await signingKeys();
  const issuedAt = Math.floor(now.getTime() / 1000);
  const claims: SessionClaims = {
    userId: user.id,
    role: user.role,
    tokenId: randomUUID(),
    tokenVersion: user.tokenVersion,
    issuedAt,
    expiresAt: issuedAt + SESSION_TTL_SECONDS,
  };
  const token = await new SignJWT({ role: claims.role, ver: claims.tokenVersion })
    .setProtectedHeader({ alg: JWT_ALGORITHM, kid, typ: 'JWT' })
    .setSubject(claims.userId)
    .setJti(claims.tokenId)
    .setIssuer(config.jwtIssuer)
    .setAudience(config.jwtAudience)
    .setIssuedAt(claims.issuedAt)
    .setExpirationTime(claims.expiresAt)
    .sign(privateKey);
  return { token, claims };
};

/**
 * Verifies signature (EdDSA only: `none`, HS256 and every other algorithm are refused), issuer,
 * audience and expiry; then the claims' shapes before any store read (`sub` a user id, `jti` a bounded
 * token id, `ver` an integer), an `iat` no more than CLOCK_SKEW_SECONDS ahead and a lifetime (exp - iat)
 * no longer than the SESSION_TTL_SECONDS the platform issues; then the session against the users table:
 * the user still exists, the token was issued under the current token version, and it was not revoked
 * by a logout.
 */
export const verifySession = async (token: string, users: UsersStore, now = new Date()): Promise<SessionClaims> => {
  const { publicKey } = await signingKeys();
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(token, publicKey, {
      algorithms: [JWT_ALGORITHM],
      issuer: config.jwtIssuer,
      audience: config.jwtAudience,
      requiredClaims: ['sub', 'jti', 'iat', 'exp'],
      currentDate: now,
    }));
  } catch (error) {
    if (error instanceof errors.JOSEError) throw new InvalidTokenError(error.code);
    throw error;
  }
  const { sub, jti, iat, exp, ver } = payload;
  if (
    typeof sub !== 'string' ||
    !USER_ID.test(sub) ||
    typeof jti !== 'string' ||
    !TOKEN_ID.test(jti) ||
    typeof ver !== 'number' ||
    !Number.isSafeInteger(ver) ||
    typeof iat !== 'number' ||
    typeof exp !== 'number'
  ) {
    throw new InvalidTokenError('ERR_CLAIMS_MALFORMED');
  }
  if (iat > Math.floor(now.getTime() / 1000) + CLOCK_SKEW_SECONDS) throw new InvalidTokenError('ERR_ISSUED_IN_FUTURE');
  if (exp - iat > SESSION_TTL_SECONDS) throw new InvalidTokenError('ERR_LIFETIME_TOO_LONG');
  const state = await users.sessionState(sub, jti);
  if (!state.user) throw new InvalidTokenError('ERR_USER_GONE');
  if (state.revoked) throw new InvalidTokenError('ERR_TOKEN_REVOKED');
  if (state.user.tokenVersion !== ver) throw new InvalidTokenError('ERR_TOKEN_SUPERSEDED');
  return {
    userId: sub,
    // The role of record, not the one in the token: a demoted admin loses admin rights at once.
    role: state.user.role,
    tokenId: jti,
    tokenVersion: ver,
    issuedAt: iat,
    expiresAt: exp,
  };
};

const cookieHeader = (name: string, value: string, maxAge: number) =>
  `${name}=${value}; Path=/; HttpOnly; Secure; SameSite=Lax; Max-Age=${maxAge}`;

export const sessionCookie = (token: string, claims: SessionClaims) =>
  cookieHeader(SESSION_COOKIE, token, claims.expiresAt - claims.issuedAt);

export const clearedSessionCookie = () => cookieHeader(SESSION_COOKIE, '', 0);

/** The bearer token of an Authorization header, else the session cookie. */
export const tokenFromHeaders = (headers: Record<string, string | undefined>): string | undefined => {
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  const bearer = lower.authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
  if (bearer) return bearer;
  for (const part of (lower.cookie ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === SESSION_COOKIE && value.join('=')) return value.join('=');
  }
  return undefined;
};
