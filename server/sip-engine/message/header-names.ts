/** Header-name normalisation: compact forms (RFC 3261 §7.3.3 and extensions) and canonical spelling. */

const COMPACT: Record<string, string> = {
  a: 'accept-contact', b: 'referred-by', c: 'content-type', d: 'request-disposition', e: 'content-encoding',
  f: 'from', i: 'call-id', j: 'reject-contact', k: 'supported', l: 'content-length', m: 'contact',
  o: 'event', r: 'refer-to', s: 'subject', t: 'to', u: 'allow-events', v: 'via', x: 'session-expires', y: 'identity',
};

const CANONICAL: Record<string, string> = {
  'call-id': 'Call-ID', cseq: 'CSeq', 'www-authenticate': 'WWW-Authenticate', 'mime-version': 'MIME-Version',
  'rack': 'RAck', 'rseq': 'RSeq', 'sip-etag': 'SIP-ETag', 'sip-if-match': 'SIP-If-Match',
};

/** Headers whose values are comma-separated lists that may be split into one value each (RFC 3261 §7.3.1). */
const LIST_HEADERS = new Set([
  'via', 'route', 'record-route', 'contact', 'allow', 'supported', 'require', 'proxy-require', 'unsupported',
  'accept', 'accept-encoding', 'accept-language', 'allow-events', 'path', 'service-route',
]);

/** Lower-case key for a header name, compact forms expanded. */
export function headerKey(name: string): string {
  const lower = name.toLowerCase();
  return lower.length === 1 ? (COMPACT[lower] ?? lower) : lower;
}

const canonicalCache = new Map<string, string>();

/** Canonical display spelling for a lower-case header key ("call-id" → "Call-ID", "max-forwards" → "Max-Forwards"). */
export function canonicalName(key: string): string {
  let name = canonicalCache.get(key);
  if (name === undefined) {
    name = CANONICAL[key] ?? key.replace(/(^|-)([a-z])/g, (_m, dash: string, ch: string) => dash + ch.toUpperCase());
    // header names are few; a peer inventing new ones each time cannot grow the cache without bound
    if (canonicalCache.size < 1000) canonicalCache.set(key, name);
  }
  return name;
}

export function isListHeader(key: string): boolean {
  return LIST_HEADERS.has(key);
}
