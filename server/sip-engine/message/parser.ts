import { headerKey } from './header-names';
import { SipRequest, SipResponse, type AnySipMessage } from './message';
import { parseNameAddr } from './name-addr';
import { parseUri } from './uri';
import { parseVia } from './via';
import { SipSyntaxError } from './errors';
import { splitOutsideQuotes } from './split';

/** Largest message the engine accepts on any transport (bytes). */
export const MAX_MESSAGE_SIZE = 64 * 1024;

/**
 * A message that could not be parsed. When the request line and the headers needed to answer it
 * (Via, From, To, Call-ID, CSeq) were readable, `request` holds them so a 400 can be sent;
 * otherwise the message must be dropped.
 */
export class SipParseError extends Error {
  override readonly name = 'SipParseError';
  /** The status to answer with when `request` is set: 400, or 505 for an unknown SIP version. */
  readonly status: number;
  constructor(message: string, readonly request?: SipRequest, status = 400) {
    super(message);
    this.status = status;
  }
}

const REQUEST_LINE = /^([A-Za-z0-9!%*_+`'~.-]+) (\S+) SIP\/2\.0$/;
const STATUS_LINE = /^SIP\/2\.0 ([1-6]\d\d)(?: (.*))?$/;
const TOKEN = /^[A-Za-z0-9!%*_+`'~.-]+$/;

/** Index of the blank line ending the header section, and the length of the separator. */
export function findHeaderEnd(buf: Buffer, from = 0): { index: number; sepLength: number } | undefined {
  const crlf = buf.indexOf('\r\n\r\n', from, 'latin1');
  if (crlf !== -1) return { index: crlf, sepLength: 4 };
  const lf = buf.indexOf('\n\n', from, 'latin1');
  return lf === -1 ? undefined : { index: lf, sepLength: 2 };
}

/**
 * Parses one whole SIP message (a UDP datagram, or one frame cut from a stream).
 * `streamed` means the body length must come from Content-Length (RFC 3261 §18.3).
 */
export function parseMessage(buf: Buffer, streamed = false): AnySipMessage {
  if (buf.length > MAX_MESSAGE_SIZE) throw new SipParseError(`message larger than ${MAX_MESSAGE_SIZE} bytes`, tryPartial(buf));
  const end = findHeaderEnd(buf);
  if (!end) throw new SipParseError('no end of headers', tryPartial(buf));
  const head = buf.toString('utf8', 0, end.index);
  const lines = unfold(head.split(/\r?\n/));
  const { msg, problem: startProblem } = parseStartLine(lines[0] ?? '');
  const badHeaders: string[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon).trim() : '';
    if (!name || !TOKEN.test(name) || hasBadChars(line)) {
      badHeaders.push(line);
      if (name && TOKEN.test(name) && !CORE_HEADERS.has(headerKey(name))) msg.headers.push([headerKey(name), '']);
      continue;
    }
    msg.headers.push([headerKey(name), trimLws(line.slice(colon + 1))]);
  }
  const bodyStart = end.index + end.sepLength;
  const available = buf.length - bodyStart;
  const clText = msg.get('content-length');
  let bodyLength = streamed ? 0 : available;
  let problem = startProblem ?? (badHeaders.length > 0 ? `malformed header line: ${printable(badHeaders[0]!)}` : undefined);
  if (clText !== undefined) {
    if (!/^\d+$/.test(clText)) problem ??= `invalid Content-Length: ${clText}`;
    else {
      const cl = Number(clText);
      if (cl > available) problem ??= `truncated body: Content-Length ${cl}, ${available} bytes present`;
      else bodyLength = cl;
    }
  }
  msg.body = bodyLength > 0 ? Buffer.from(buf.subarray(bodyStart, bodyStart + bodyLength)) : msg.body;
  problem ??= validate(msg);
  if (problem) {
    const status = msg.kind === 'request' && startProblem && UNKNOWN_VERSION.test(lines[0] ?? '') ? 505 : 400;
    throw new SipParseError(problem, msg.kind === 'request' && canAnswer(msg) ? msg : undefined, status);
  }
  return msg;
}

/**
 * The start line. A request line that is wrong only in its method or version still yields the
 * request (with a problem noted), so that a 400 can be sent if the core headers are readable.
 */
function parseStartLine(line: string): { msg: AnySipMessage; problem?: string } {
  const st = STATUS_LINE.exec(line);
  if (st) return { msg: new SipResponse(Number(st[1]), st[2] ?? '') };
  const rq = REQUEST_LINE.exec(line);
  // methods are case-sensitive (RFC 3261 §7.1): "invite" is not INVITE
  if (rq) return { msg: new SipRequest(rq[1]!, rq[2]!) };
  const loose = LOOSE_REQUEST_LINE.exec(line);
  if (loose && !line.startsWith('SIP/') && !hasControlChars(line)) {
    return { msg: new SipRequest(loose[1]!, loose[2]!), problem: `invalid request line: ${printable(line)}` };
  }
  throw new SipParseError(`invalid start line: ${printable(line)}`);
}

/**
 * Method-ish word, a URI-ish word, and maybe something after, with any spacing: enough to answer
 * with 400 (or 505) a request line that is wrong only in its spacing, brackets or version.
 */
const LOOSE_REQUEST_LINE = /^([^\s]{1,32})[ \t]+<?([a-zA-Z][a-zA-Z0-9+.-]*:[^\s>]+)>?(?:[ \t]+(.*))?$/;
/** A well-formed request line naming a SIP version other than 2.0 (answered 505, RFC 3261 §8.2.1). */
const UNKNOWN_VERSION = /^\S+ \S+ SIP\/(?!2\.0$)\d+\.\d+$/;
/** Headers a message may carry only once (RFC 3261 §7.3.1; RFC 4475 §3.3.8, §3.3.9). */
const SINGLE_HEADERS = ['call-id', 'cseq', 'from', 'to', 'max-forwards', 'content-length'];
const URI_SCHEME = /^[a-zA-Z][a-zA-Z0-9+.-]*:/;
const RFC1123_DATE = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/;
const CORE_HEADERS = new Set(['via', 'from', 'to', 'call-id', 'cseq']);

/** NUL and other C0 controls (tab excepted), DEL, and bytes that were not UTF-8. */
function hasControlChars(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09) || c === 0x7f || c === 0xfffd) return true;
  }
  return false;
}

/**
 * Control characters in a header line, except inside a quoted string after a backslash (a
 * quoted-pair may carry any of %x00-09 / %x0B-0C / %x0E-7F, RFC 3261 §25.1; RFC 4475 §3.1.1.2).
 */
function hasBadChars(line: string): boolean {
  if (!hasControlChars(line)) return false;
  let inQuote = false;
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (inQuote && c === 0x5c) {
      const next = line.charCodeAt(i + 1);
      if (next === 0x0a || next === 0x0d || Number.isNaN(next) || next > 0x7f) return true;
      i++;
      continue;
    }
    if (c === 0x22) inQuote = !inQuote;
    else if ((c < 0x20 && c !== 0x09) || c === 0x7f || c === 0xfffd) return true;
  }
  return false;
}

/** Trims SP and HTAB only: String.trim would also eat a value's leading U+FEFF (RFC 4475 §3.1.1.2). */
function trimLws(text: string): string {
  let a = 0;
  let b = text.length;
  while (a < b && (text.charCodeAt(a) === 0x20 || text.charCodeAt(a) === 0x09)) a++;
  while (b > a && (text.charCodeAt(b - 1) === 0x20 || text.charCodeAt(b - 1) === 0x09)) b--;
  return a === 0 && b === text.length ? text : text.slice(a, b);
}

function printable(text: string): string {
  return text.slice(0, 80).replace(/[^\x20-\x7e]/g, '?');
}

function unfold(lines: string[]): string[] {
  const out: string[] = [];
  for (const l of lines) {
    if ((l.startsWith(' ') || l.startsWith('\t')) && out.length > 1) out[out.length - 1] += ' ' + l.trim();
    else out.push(l);
  }
  return out;
}

/** Checks the headers every message needs; returns a description of the first problem. */
function validate(msg: AnySipMessage): string | undefined {
  for (const h of ['via', 'from', 'to', 'call-id', 'cseq']) if (!msg.has(h)) return `missing ${h} header`;
  for (const h of SINGLE_HEADERS) if (count(msg, h) > 1) return `more than one ${h} header`;
  const viaProblem = checkVias(msg);
  if (viaProblem) return viaProblem;
  try {
    parseNameAddr(msg.get('from')!);
    parseNameAddr(msg.get('to')!);
    for (const c of msg.getAll('contact')) parseNameAddr(c);
  } catch (err) {
    return (err as Error).message;
  }
  const cseq = msg.cseq;
  if (!/^\d+\s+\S+$/.test(msg.get('cseq')!.trim()) || cseq.seq > 2 ** 31 - 1 || !TOKEN.test(cseq.method)) return `invalid CSeq: ${msg.get('cseq')}`;
  if (msg.kind === 'request') {
    if (cseq.method !== msg.method) return `CSeq method ${cseq.method} does not match ${msg.method}`;
    if (!URI_SCHEME.test(msg.uri)) return `invalid Request-URI: ${printable(msg.uri)}`;
    try {
      // headers are not allowed in a Request-URI (RFC 3261 §19.1.1; RFC 4475 §3.1.2.11)
      if (parseUri(msg.uri).headers !== undefined) return `headers in the Request-URI: ${printable(msg.uri)}`;
    } catch (err) {
      return (err as SipSyntaxError).message;
    }
    // 1*DIGIT: leading zeros are fine (RFC 4475 §3.1.1.1), the value is 0-255 (§3.1.2.4)
    const mf = msg.get('max-forwards');
    if (mf !== undefined && (!/^\d{1,10}$/.test(mf) || Number(mf) > 255)) return `invalid Max-Forwards: ${mf}`;
    const date = msg.get('date');
    if (date !== undefined && !RFC1123_DATE.test(date)) return `invalid Date: ${printable(date)}`;
  }
  return undefined;
}

function count(msg: AnySipMessage, key: string): number {
  let n = 0;
  for (const [k] of msg.headers) if (k === key) n++;
  return n;
}

/** Every Via value parses, with no empty values or parameters (RFC 4475 §3.1.2.1). */
function checkVias(msg: AnySipMessage): string | undefined {
  for (const [k, v] of msg.headers) {
    if (k !== 'via') continue;
    const values = splitOutsideQuotes(v, 0x2c);
    for (const value of values) {
      if (!value.trim()) return `empty value in Via: ${printable(v)}`;
      if (/;\s*(;|$)/.test(value)) return `empty parameter in Via: ${printable(v)}`;
      try {
        parseVia(value);
      } catch (err) {
        return (err as Error).message;
      }
    }
  }
  return undefined;
}


/** A request can be answered when its Via, From, To, Call-ID and CSeq are present and Via and CSeq parse. */
function canAnswer(msg: SipRequest): boolean {
  if (!msg.get('from') || !msg.get('to') || !msg.get('call-id') || !msg.get('cseq')) return false;
  if (msg.method === 'ACK') return false; // never answer an ACK
  if (!/^\d+\s+[A-Za-z0-9!%*_+`'~.()-]+$/.test(msg.get('cseq')!.trim())) return false;
  try {
    msg.topVia();
    return true;
  } catch {
    return false;
  }
}

/** For a message we reject early (too big, no header end): recover enough headers to answer it, if any. */
function tryPartial(buf: Buffer): SipRequest | undefined {
  const limit = Math.min(buf.length, 8192);
  const text = buf.toString('utf8', 0, limit);
  if (text.indexOf('\0') !== -1) return undefined;
  const lines = text.split(/\r?\n/);
  const rq = REQUEST_LINE.exec(lines[0] ?? '') ?? LOOSE_REQUEST_LINE.exec(lines[0] ?? '');
  if (!rq || (lines[0] ?? '').startsWith('SIP/')) return undefined;
  const req = new SipRequest(rq[1]!, rq[2]!);
  for (const line of lines.slice(1, -1)) {
    if (!line) break;
    const colon = line.indexOf(':');
    if (colon > 0) req.headers.push([headerKey(line.slice(0, colon).trim()), line.slice(colon + 1).trim()]);
  }
  return canAnswer(req) ? req : undefined;
}

/**
 * Parses a message written by an application (drachtio `sip` command): only the start line must be
 * valid; headers may be incomplete (the engine fills them in) and the body is everything after the
 * blank line, whatever Content-Length says (apps count it in characters, not bytes).
 */
export function parseAppMessage(text: string): AnySipMessage {
  const sep = text.indexOf('\r\n\r\n');
  const head = sep === -1 ? text : text.slice(0, sep);
  const lines = unfold(head.split('\r\n'));
  const { msg, problem } = parseStartLine(lines[0] ?? '');
  if (problem) throw new SipParseError(problem);
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim();
    if (!TOKEN.test(name)) continue;
    msg.headers.push([headerKey(name), line.slice(colon + 1).trim()]);
  }
  msg.remove('content-length');
  if (sep !== -1 && sep + 4 < text.length) msg.body = Buffer.from(text.slice(sep + 4), 'utf8');
  return msg;
}
