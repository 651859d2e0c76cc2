import { randomBytes, randomUUID } from 'node:crypto';
import { BRANCH_COOKIE } from './message/via';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** A random token of `length` characters from [A-Za-z0-9] (tags, branch suffixes). */
export function token(length = 10): string {
  const bytes = randomBytes(length);
  let s = '';
  for (let i = 0; i < length; i++) s += ALPHABET[bytes[i]! % ALPHABET.length];
  return s;
}

export const newTag = (): string => token(10);
export const newBranch = (): string => `${BRANCH_COOKIE}${token(16)}`;
export const newCallId = (): string => randomUUID();
export const newTxnId = (): string => randomUUID();
