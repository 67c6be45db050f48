import { createHash } from 'node:crypto';

/**
 * bcryptjs, loaded on the first hash or comparison: of the users functions only sign-up, sign-in and the password
 * change hash anything, and the others (the authorizer in front of every request) need not set it up at start.
 */
let loaded: Promise<typeof import('bcryptjs').default> | undefined;
const bcryptjs = () => {
  loaded ??= import('bcryptjs').then((module) => module.default);
  return loaded;
};

export const BCRYPT_COST = 12;

/**
 * bcrypt reads at most 72 bytes; passwords may be 128 characters (up to 512 bytes), so they are
 * first reduced to a fixed-length SHA-256 digest (base64, 44 bytes) and that is what bcrypt hashes.
 */
const prepare = (password: string) => createHash('sha256').update(password, 'utf8').digest('base64');

export const hashPassword = async (password: string): Promise<string> =>
  (await bcryptjs()).hash(prepare(password), BCRYPT_COST);

export const verifyPassword = async (password: string, hash: string): Promise<boolean> =>
  (await bcryptjs()).compare(prepare(password), hash);

// Compared against when the email is unknown, so that case costs what a wrong password costs.
let dummyHash: Promise<string> | undefined;
export const burnPasswordCheck = async (password: string): Promise<false> => {
  const bcrypt = await bcryptjs();
  dummyHash ??= bcrypt.hash('no account has this password', BCRYPT_COST);
  await bcrypt.compare(prepare(password), await dummyHash);
  return false;
};
