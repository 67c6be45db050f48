import { createHash } from 'node:crypto';
import bcrypt from 'bcryptjs';

export const BCRYPT_COST = 12;

/**
 * bcrypt reads at most 72 bytes; passwords may be 128 characters (up to 512 bytes), so they are
 * first reduced to a fixed-length SHA-256 digest (base64, 44 bytes) and that is what bcrypt hashes.
 */
const prepare = (password: string) => createHash('sha256').update(password, 'utf8').digest('base64');

export const hashPassword = (password: string): Promise<string> => bcrypt.hash(prepare(password), BCRYPT_COST);

export const verifyPassword = (password: string, hash: string): Promise<boolean> =>
  bcrypt.compare(prepare(password), hash);

// Compared against when the email is unknown, so that case costs what a wrong password costs.
let dummyHash: Promise<string> | undefined;
export const burnPasswordCheck = async (password: string): Promise<false> => {
  dummyHash ??= bcrypt.hash('no account has this password', BCRYPT_COST);
  await bcrypt.compare(prepare(password), await dummyHash);
  return false;
};
