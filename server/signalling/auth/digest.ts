import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { ALGORITHMS, hash, type CredentialStore, type DigestAlgorithm } from './credentials';

export interface DigestOptions {
  realm: string;
  /** Key for signing nonces (random per process when not given). */
  secret?: Buffer;
  /** How long a nonce may be used (ms). Default 5 minutes. */
  nonceTtlMs?: number;
  /**
   * The challenges offered (and the algorithms accepted) for a user without a policy of its own, in
   * order. Default: SHA-256 then MD5 (RFC 8760); operators' devices get `sip.digest`.
   */
  algorithms?: readonly DigestAlgorithm[];
  now?: () => number;
}

/** Who asks, for choosing the challenges, and what the answer must name. */
export interface VerifyOptions {
  /**
   * The user the request claims to be from (To of a REGISTER, From of an INVITE): its policy chooses
   * the challenges before it has authenticated. Unknown or absent: the default policy.
   */
  username?: string;
  /** A fallback for clients that cannot choose among several challenges: offer MD5 alone. */
  md5Only?: boolean;
  /** The digest `uri` must name it (RFC 3261 §22.4, RFC 7616 §3.4.6). */
  requestUri?: string;
}

export type DigestOutcome =
  | { result: 'ok'; username: string }
  /** No credentials, or a stale nonce: send 401/407 with these challenge values. */
  | { result: 'challenge'; challenges: string[] }
  /** Credentials were given and are wrong (or replayed): counts as a failure. */
  | { result: 'failed'; reason: string; username?: string; challenges: string[] };

/**
 * HTTP Digest for SIP (RFC 3261 §22, RFC 7616, RFC 8760): challenges in the order of the user's
 * policy (or the default), answers accepted only with an algorithm of that policy,
 * nonces signed with a server key and a timestamp so they expire without server state, and a
 * per-nonce nonce-count check so a captured response cannot be replayed.
 */
export class DigestAuthenticator {
  private readonly secret: Buffer;
  private readonly ttl: number;
  private readonly now: () => number;
  private readonly algorithms: readonly DigestAlgorithm[];
  /** Highest nonce-count seen per nonce, for replay protection; entries die with their nonce. */
  private readonly counts = new Map<string, { nc: number; expires: number }>();
  private lastSweep = 0;

  constructor(private readonly credentials: CredentialStore, private readonly options: DigestOptions) {
    this.secret = options.secret ?? randomBytes(32);
    this.ttl = options.nonceTtlMs ?? 300_000;
    this.now = options.now ?? Date.now;
    this.algorithms = options.algorithms?.length ? options.algorithms : ALGORITHMS;
  }

  get realm(): string {
    return this.options.realm;
  }

  /**
   * The algorithms offered to (and accepted from) a user, in order: its own policy or the default,
   * kept to those it has an HA1 for. An unknown user gets the default, like a known one would.
   */
  algorithmsFor(username?: string, md5Only = false): DigestAlgorithm[] {
    const ha1 = username === undefined ? undefined : this.credentials.lookup(username);
    const policy = (username === undefined ? undefined : this.credentials.algorithmsFor?.(username)) ?? this.algorithms;
    let algs = ha1 ? policy.filter((a) => ha1[a] !== undefined) : [...policy];
    if (ha1 && algs.length === 0) algs = ALGORITHMS.filter((a) => ha1[a] !== undefined);
    if (md5Only && algs.length > 1 && algs.includes('MD5')) algs = ['MD5'];
    return algs;
  }

  /** Challenge header values (one per algorithm, in the user's order), e.g. for WWW-Authenticate. */
  challenge(stale = false, who: Pick<VerifyOptions, 'username' | 'md5Only'> = {}): string[] {
    const nonce = this.mintNonce();
    return this.algorithmsFor(who.username, who.md5Only).map((a) => `Digest realm="${this.options.realm}", nonce="${nonce}", algorithm=${a}, qop="auth"${stale ? ', stale=true' : ''}`);
  }

  /**
   * Checks the Authorization (or Proxy-Authorization) header of a request. With `requestUri`, the
   * digest `uri` must name it: an answer computed for another request cannot be replayed here.
   */
  verify(method: string, authorization: string | undefined, o: VerifyOptions = {}): DigestOutcome {
    const who = { username: o.username, md5Only: o.md5Only };
    if (!authorization) return { result: 'challenge', challenges: this.challenge(false, who) };
    const p = parseDigest(authorization);
    const fail = (reason: string): DigestOutcome => ({ result: 'failed', reason, username: p?.username, challenges: this.challenge(false, who) });
    if (!p) return fail('malformed Authorization header');
    const algorithm = (p.algorithm ?? 'MD5').toUpperCase() as DigestAlgorithm;
    if (!ALGORITHMS.includes(algorithm)) return fail(`unsupported algorithm ${p.algorithm}`);
    if (p.realm !== this.options.realm) return fail('wrong realm');
    if (!p.username || !p.nonce || !p.uri || !p.response) return fail('missing digest parameters');
    if (o.requestUri !== undefined && !sameUri(p.uri, o.requestUri)) return fail('digest uri does not match the Request-URI');
    const age = this.nonceAge(p.nonce);
    if (age === undefined) return fail('nonce not issued by this server');
    const ha1s = this.credentials.lookup(p.username);
    if (!ha1s) return fail('unknown user');
    // the user's policy, not only the HA1s kept: a SHA-256-only operator is not downgraded to MD5
    if (!this.algorithmsFor(p.username).includes(algorithm)) return fail(`algorithm ${algorithm} not allowed for this user`);
    const ha1 = ha1s[algorithm]!;
    const ha2 = hash(algorithm, `${method}:${p.uri}`);
    let expected: string;
    if (p.qop) {
      if (p.qop !== 'auth' || !p.nc || !p.cnonce || !/^[0-9a-fA-F]{8}$/.test(p.nc)) return fail('bad qop parameters');
      expected = hash(algorithm, `${ha1}:${p.nonce}:${p.nc}:${p.cnonce}:${p.qop}:${ha2}`);
    } else {
      expected = hash(algorithm, `${ha1}:${p.nonce}:${ha2}`);
    }
    if (!safeEqual(expected, p.response.toLowerCase())) return fail('wrong password');
    if (age > this.ttl) return { result: 'challenge', challenges: this.challenge(true, who) };
    if (!this.acceptCount(p.nonce, p.qop ? parseInt(p.nc!, 16) : 0)) return fail('replayed nonce');
    return { result: 'ok', username: p.username };
  }

  private mintNonce(): string {
    const ts = this.now().toString(36);
    const rand = randomBytes(9).toString('base64url');
    return `${ts}.${rand}.${this.sign(`${ts}.${rand}`)}`;
  }

  /** Age of a nonce we issued, or undefined if it is not ours. */
  private nonceAge(nonce: string): number | undefined {
    const parts = nonce.split('.');
    if (parts.length !== 3) return undefined;
    if (!safeEqual(this.sign(`${parts[0]}.${parts[1]}`), parts[2]!)) return undefined;
    const ts = parseInt(parts[0]!, 36);
    return Number.isFinite(ts) ? this.now() - ts : undefined;
  }

  private sign(text: string): string {
    return createHmac('sha256', this.secret).update(text).digest('base64url').slice(0, 22);
  }

  /** Each nonce-count may be used once and must grow; without qop a nonce is single-use. */
  private acceptCount(nonce: string, nc: number): boolean {
    const now = this.now();
    if (now - this.lastSweep > this.ttl) {
      for (const [k, v] of this.counts) if (v.expires < now) this.counts.delete(k);
      this.lastSweep = now;
    }
    const seen = this.counts.get(nonce);
    if (seen && nc <= seen.nc) return false;
    this.counts.set(nonce, { nc, expires: now + this.ttl * 2 });
    return true;
  }
}

export interface DigestParams {
  username?: string;
  realm?: string;
  nonce?: string;
  uri?: string;
  response?: string;
  algorithm?: string;
  qop?: string;
  nc?: string;
  cnonce?: string;
  opaque?: string;
}

/** Parses `Digest username="a", realm="r", …` (quoted or token values). */
export function parseDigest(header: string): DigestParams | undefined {
  const m = /^\s*Digest\s+(.*)$/is.exec(header);
  if (!m) return undefined;
  const out: Record<string, string> = {};
  const re = /([a-zA-Z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))/g;
  let part: RegExpExecArray | null;
  while ((part = re.exec(m[1]!)) !== null) out[part[1]!.toLowerCase()] = part[2] !== undefined ? part[2].replace(/\\(.)/g, '$1') : part[3]!;
  return out as DigestParams;
}

/** The digest `uri` and the Request-URI name the same resource: equal but for case and surrounding space. */
function sameUri(digestUri: string, requestUri: string): boolean {
  return digestUri.trim().toLowerCase() === requestUri.trim().toLowerCase();
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
