import { hash, type DigestAlgorithm } from '../../server/signalling/auth/credentials';
import { parseDigest } from '../../server/signalling/auth/digest';

/** Computes an Authorization value for a challenge, as a SIP client does (qop=auth when offered). */
export function digestAnswer(challenge: string, o: { user: string; password: string; method: string; uri: string; nc?: number }): string {
  const c = parseDigest(challenge);
  if (!c?.nonce || !c.realm) throw new Error(`not a digest challenge: ${challenge}`);
  const alg = (c.algorithm ?? 'MD5') as DigestAlgorithm;
  const ha1 = hash(alg, `${o.user}:${c.realm}:${o.password}`);
  const ha2 = hash(alg, `${o.method}:${o.uri}`);
  const nc = (o.nc ?? 1).toString(16).padStart(8, '0');
  const cnonce = Math.random().toString(36).slice(2);
  const response = hash(alg, `${ha1}:${c.nonce}:${nc}:${cnonce}:auth:${ha2}`);
  return `Digest username="${o.user}", realm="${c.realm}", nonce="${c.nonce}", uri="${o.uri}", algorithm=${alg}, qop=auth, nc=${nc}, cnonce="${cnonce}", response="${response}"`;
}
