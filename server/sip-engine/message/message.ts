import { canonicalName, headerKey, isListHeader } from './header-names';
import { splitList } from './split';
import { parseVia, type Via } from './via';

export type HeaderEntry = [key: string, value: string];

/**
 * Common part of SIP requests and responses: headers in wire order (keys lower-case, compact forms
 * expanded) and the body as bytes. Header values are kept as text; helpers parse them on demand.
 */
export abstract class SipMessage {
  headers: HeaderEntry[] = [];
  body: Buffer = EMPTY;

  abstract readonly kind: 'request' | 'response';
  abstract startLine(): string;

  /** The first value of a header (for list headers, the whole first line). */
  get(name: string): string | undefined {
    const key = headerKey(name);
    for (const [k, v] of this.headers) if (k === key) return v;
    return undefined;
  }

  /** Every value of a header; list headers (Via, Route, Contact…) are split at top-level commas. */
  getAll(name: string): string[] {
    const key = headerKey(name);
    const out: string[] = [];
    const list = isListHeader(key);
    for (const [k, v] of this.headers) {
      if (k !== key) continue;
      if (list) out.push(...splitList(v));
      else out.push(v);
    }
    return out;
  }

  has(name: string): boolean {
    return this.get(name) !== undefined;
  }

  /** Replaces every occurrence of a header by one value (at the first occurrence's position). */
  set(name: string, value: string): this {
    const key = headerKey(name);
    const i = this.headers.findIndex(([k]) => k === key);
    if (i === -1) this.headers.push([key, value]);
    else {
      this.headers[i] = [key, value];
      this.headers = this.headers.filter(([k], j) => j <= i || k !== key);
    }
    return this;
  }

  append(name: string, value: string): this {
    this.headers.push([headerKey(name), value]);
    return this;
  }

  /** Adds a header before the first header of the same name (or at the top): how Via and Record-Route grow. */
  prepend(name: string, value: string): this {
    const key = headerKey(name);
    const i = this.headers.findIndex(([k]) => k === key);
    this.headers.splice(i === -1 ? 0 : i, 0, [key, value]);
    return this;
  }

  remove(name: string): this {
    const key = headerKey(name);
    this.headers = this.headers.filter(([k]) => k !== key);
    return this;
  }

  get callId(): string {
    return this.get('call-id') ?? '';
  }

  /** CSeq number and method. */
  get cseq(): { seq: number; method: string } {
    const v = this.get('cseq') ?? '';
    const sp = v.trim().split(/\s+/);
    return { seq: Number(sp[0]), method: sp[1] ?? '' };
  }

  /** The top Via, parsed. Throws SipSyntaxError when absent or malformed. */
  topVia(): Via {
    const first = this.get('via');
    return parseVia(first === undefined ? '' : (splitList(first)[0] ?? ''));
  }

  /** Serialises with canonical header names and a correct Content-Length. */
  toBuffer(): Buffer {
    return Buffer.concat([Buffer.from(this.headText(), 'utf8'), this.body]);
  }

  toString(): string {
    return this.headText() + this.body.toString('utf8');
  }

  private headText(): string {
    let s = this.startLine() + '\r\n';
    for (const [k, v] of this.headers) {
      if (k === 'content-length') continue;
      s += `${canonicalName(k)}: ${v}\r\n`;
    }
    return s + `Content-Length: ${this.body.length}\r\n\r\n`;
  }
}

export class SipRequest extends SipMessage {
  readonly kind = 'request' as const;
  constructor(public method: string, public uri: string) {
    super();
  }
  startLine(): string {
    return `${this.method} ${this.uri} SIP/2.0`;
  }
}

export class SipResponse extends SipMessage {
  readonly kind = 'response' as const;
  constructor(public status: number, public reason: string) {
    super();
  }
  startLine(): string {
    return `SIP/2.0 ${this.status} ${this.reason}`;
  }
}

export type AnySipMessage = SipRequest | SipResponse;

const EMPTY = Buffer.alloc(0);

/** Reason phrases for the statuses the engine itself generates. */
export const REASONS: Record<number, string> = {
  100: 'Trying', 180: 'Ringing', 183: 'Session Progress', 200: 'OK', 202: 'Accepted',
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed',
  408: 'Request Timeout', 413: 'Request Entity Too Large', 416: 'Unsupported URI Scheme', 420: 'Bad Extension',
  480: 'Temporarily Unavailable', 481: 'Call/Transaction Does Not Exist', 482: 'Loop Detected',
  483: 'Too Many Hops', 486: 'Busy Here', 487: 'Request Terminated', 488: 'Not Acceptable Here',
  491: 'Request Pending', 500: 'Server Internal Error', 501: 'Not Implemented', 503: 'Service Unavailable',
  505: 'Version Not Supported', 513: 'Message Too Large', 415: 'Unsupported Media Type', 422: 'Session Interval Too Small',
};

/**
 * Builds a response to a request as RFC 3261 §8.2.6 says: Via, From, To, Call-ID and CSeq copied;
 * a To tag added when given and the To has none.
 */
export function makeResponse(req: SipRequest, status: number, toTag?: string, reason?: string): SipResponse {
  const res = new SipResponse(status, reason ?? REASONS[status] ?? 'Unknown');
  for (const [k, v] of req.headers) {
    if (k === 'via' || k === 'from' || k === 'call-id' || k === 'cseq' || k === 'record-route') {
      if (k === 'record-route' && (status < 180 || status >= 300)) continue;
      res.headers.push([k, v]);
    } else if (k === 'to') {
      res.headers.push([k, toTag && !/;\s*tag\s*=/i.test(v.slice(v.lastIndexOf('>') + 1)) ? `${v};tag=${toTag}` : v]);
    }
  }
  return res;
}
