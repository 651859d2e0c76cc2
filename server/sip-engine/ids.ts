import { randomBytes, randomUUID } from 'node:crypto';
import { BRANCH_COOKIE } from './message/via';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** Random bytes drawn in blocks, so that each tag or branch does not cost a call into the OS. */
const pool = Buffer.alloc(4096);
let poolOffset = pool.length;

/** A random token of `length` characters from [A-Za-z0-9] (tags, branch suffixes). */
export function token(length = 10): string {
  if (poolOffset + length > pool.length) {
    randomBytes(pool.length).copy(pool);
    poolOffset = 0;
  }
  let s = '';
  for (let i = 0; i < length; i++) s += ALPHABET[pool[poolOffset + i]! % ALPHABET.length];
  poolOffset += length;
  return s;
}

export const newTag = (): string => token(10);
export const newBranch = (): string => `${BRANCH_COOKIE}${token(16)}`;
export const newCallId = (): string => randomUUID();
export const newTxnId = (): string => randomUUID();
