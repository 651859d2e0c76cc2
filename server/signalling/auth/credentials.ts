import { createHash } from 'node:crypto';

export type DigestAlgorithm = 'SHA-256' | 'MD5';
/** Every algorithm the server can check, strongest first (RFC 8760). */
export const ALGORITHMS: readonly DigestAlgorithm[] = ['SHA-256', 'MD5'];
/**
 * The challenges offered when nothing else is configured (`sip.digest`): MD5 only. Many deployed
 * phones (libre/baresip, older firmware) and SIP.js answer only the first challenge, or only MD5;
 * SHA-256 is offered where an operator's devices are known to choose it.
 */
export const DEFAULT_DIGEST_POLICY: readonly DigestAlgorithm[] = ['MD5'];

export function hash(algorithm: DigestAlgorithm, text: string): string {
  return createHash(algorithm === 'MD5' ? 'md5' : 'sha256').update(text).digest('hex');
}

/** HA1 = H(username:realm:password) per algorithm: what the server keeps instead of the password. An operator may have only some. */
export type Ha1Set = Partial<Record<DigestAlgorithm, string>>;

export function ha1For(username: string, realm: string, password: string): Required<Ha1Set> {
  return { 'SHA-256': hash('SHA-256', `${username}:${realm}:${password}`), MD5: hash('MD5', `${username}:${realm}:${password}`) };
}

/** Looks up the stored HA1 values of a SIP user in a realm, and the user's own digest policy if it has one. */
export interface CredentialStore {
  lookup(username: string): Ha1Set | undefined;
  /** The challenges this user is offered, in order (its devices' policy); undefined: the server's default. */
  algorithmsFor?(username: string): readonly DigestAlgorithm[] | undefined;
}

/** Credentials held in memory as HA1 only; plain passwords are hashed on the way in and not kept. */
export class StaticCredentials implements CredentialStore {
  private readonly users = new Map<string, { ha1: Ha1Set; algorithms?: readonly DigestAlgorithm[] }>();

  constructor(readonly realm: string) {}

  addPassword(username: string, password: string, algorithms?: readonly DigestAlgorithm[]): this {
    this.users.set(username, { ha1: ha1For(username, this.realm, password), ...(algorithms ? { algorithms } : {}) });
    return this;
  }

  addHa1(username: string, ha1: Ha1Set, algorithms?: readonly DigestAlgorithm[]): this {
    this.users.set(username, { ha1, ...(algorithms ? { algorithms } : {}) });
    return this;
  }

  lookup(username: string): Ha1Set | undefined {
    return this.users.get(username)?.ha1;
  }

  algorithmsFor(username: string): readonly DigestAlgorithm[] | undefined {
    return this.users.get(username)?.algorithms;
  }
}

/** Config names of the algorithms (`sip.digest: [md5, sha-256]`) → the protocol's names, order kept. */
export function digestPolicy(names: readonly ('md5' | 'sha-256')[]): DigestAlgorithm[] {
  return names.map((n) => (n === 'md5' ? 'MD5' : 'SHA-256'));
}
