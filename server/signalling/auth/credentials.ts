import { createHash } from 'node:crypto';

export type DigestAlgorithm = 'SHA-256' | 'MD5';
/** Offered in this order (RFC 8760: the strongest first); MD5 stays for older phones. */
export const ALGORITHMS: readonly DigestAlgorithm[] = ['SHA-256', 'MD5'];

export function hash(algorithm: DigestAlgorithm, text: string): string {
  return createHash(algorithm === 'MD5' ? 'md5' : 'sha256').update(text).digest('hex');
}

/** HA1 = H(username:realm:password) for each algorithm: what the server keeps instead of the password. */
export type Ha1Set = Record<DigestAlgorithm, string>;

export function ha1For(username: string, realm: string, password: string): Ha1Set {
  return { 'SHA-256': hash('SHA-256', `${username}:${realm}:${password}`), MD5: hash('MD5', `${username}:${realm}:${password}`) };
}

/** Looks up the stored HA1 values of a SIP user in a realm. */
export interface CredentialStore {
  lookup(username: string): Ha1Set | undefined;
}

/** Credentials held in memory as HA1 only; plain passwords are hashed on the way in and not kept. */
export class StaticCredentials implements CredentialStore {
  private readonly users = new Map<string, Ha1Set>();

  constructor(readonly realm: string) {}

  addPassword(username: string, password: string): this {
    this.users.set(username, ha1For(username, this.realm, password));
    return this;
  }

  addHa1(username: string, ha1: Ha1Set): this {
    this.users.set(username, ha1);
    return this;
  }

  lookup(username: string): Ha1Set | undefined {
    return this.users.get(username);
  }
}
