/**
 * Raw bytes to a SIP endpoint, for bad-input tests: send exactly what is given over UDP or TCP
 * (one datagram or one write per chunk), then collect whatever comes back for a while.
 * Plus badMessages(): a catalogue of broken messages and what the SIP engine should do with
 * each: answer 400, or drop it without a word.
 *
 * The rule behind `expect` (the engine's contract for bad input):
 * - '400': a request whose Via, From, To, Call-ID and CSeq can be read, so that a response can
 *   be built and routed, while something else is wrong (start line, another header, the body
 *   against Content-Length, a truncated datagram). The engine answers 400 Bad Request
 *   (acceptStatuses lists the other codes also right for that case, e.g. 513 Message Too Large).
 *   Over UDP the 400 goes to the Via's sent-by (rport: the source port), so send from the port
 *   the messages name (BadMessageOptions.localPort); over TCP it comes back on the connection.
 * - 'drop': no response can be built or none is due: no readable Via/From/To/Call-ID/CSeq,
 *   binary garbage, a malformed response (responses are never answered), a bare CRLF keep-alive,
 *   or over TCP a message that is not complete yet (the engine keeps waiting). Nothing comes back;
 *   over TCP the engine may close the connection. (A TCP message that cannot be framed — header
 *   section past 64 KiB — still gets 400 when its core headers came first, then the connection
 *   is closed.)
 * Requests are OPTIONS (non-INVITE), so that a 400 leaves no INVITE transaction waiting for an ACK.
 */
import * as dgram from 'node:dgram';
import * as net from 'node:net';

export type RawTransport = 'udp' | 'tcp';

export interface RawSendOptions {
  /** Default 127.0.0.1. */
  host?: string;
  port: number;
  transport: RawTransport;
  /** One datagram / one TCP write per element. */
  data: Buffer | string | (Buffer | string)[];
  /** Send from this local port (the sent-by of a generated Via); default: any. */
  localPort?: number;
  /** Collect replies for this long after the last byte is sent; default 500 ms. */
  windowMs?: number;
  /** Stop collecting as soon as this is true (e.g. a final response is in). */
  until?: (reply: RawReply) => boolean;
  /** TCP: wait this long between writes, so that the peer reads them separately; default 0. */
  writeGapMs?: number;
}

export interface RawReply {
  /** Each datagram (UDP) or each chunk read (TCP), in order of arrival. */
  chunks: Buffer[];
  /** All chunks together. */
  bytes: Buffer;
  /** The status codes of the SIP responses found in bytes, in order. */
  statuses: number[];
  /** TCP: the peer closed or reset the connection before the window ended. */
  closedByPeer: boolean;
  /** A local error code, e.g. ECONNREFUSED, EMSGSIZE, or EPIPE/ECONNRESET while writing. */
  error?: string;
  elapsedMs: number;
}

/** Sends raw bytes and collects the answer within a time window. Never rejects on network errors. */
export async function sendRaw(opts: RawSendOptions): Promise<RawReply> {
  const host = opts.host ?? '127.0.0.1';
  const parts = (Array.isArray(opts.data) ? opts.data : [opts.data]).map((d) => (Buffer.isBuffer(d) ? d : Buffer.from(d)));
  const windowMs = opts.windowMs ?? 500;
  const started = Date.now();
  const reply: RawReply = { chunks: [], bytes: Buffer.alloc(0), statuses: [], closedByPeer: false, elapsedMs: 0 };
  const update = (chunk: Buffer) => {
    reply.chunks.push(chunk);
    reply.bytes = Buffer.concat(reply.chunks);
    reply.statuses = sipStatuses(reply.bytes);
  };
  const collector = new Collector(windowMs, () => opts.until?.(reply) ?? false);

  if (opts.transport === 'udp') {
    const sock = dgram.createSocket('udp4');
    sock.on('message', (msg) => { update(msg); collector.check(); });
    sock.on('error', (err: NodeJS.ErrnoException) => { reply.error ??= err.code ?? err.message; });
    try {
      await new Promise<void>((resolve, reject) => {
        sock.once('error', reject);
        sock.bind(opts.localPort ?? 0, '127.0.0.1', () => { sock.off('error', reject); resolve(); });
      });
      for (const part of parts) {
        await new Promise<void>((resolve) => {
          sock.send(part, opts.port, host, (err) => {
            if (err) reply.error ??= (err as NodeJS.ErrnoException).code ?? err.message;
            resolve();
          });
        });
      }
      await collector.wait();
    } catch (err) {
      reply.error ??= (err as NodeJS.ErrnoException).code ?? String(err);
    } finally {
      await new Promise<void>((resolve) => {
        try {
          sock.close(() => resolve());
        } catch {
          resolve();
        }
      });
    }
  } else {
    const sock = net.connect({ host, port: opts.port, localAddress: '127.0.0.1', localPort: opts.localPort });
    let weClosed = false;
    const closed = new Promise<void>((resolve) => sock.once('close', () => resolve()));
    sock.on('data', (d: Buffer) => { update(d); collector.check(); });
    sock.on('error', (err: NodeJS.ErrnoException) => { reply.error ??= err.code ?? err.message; });
    sock.once('close', () => {
      if (!weClosed) {
        reply.closedByPeer = reply.error !== 'ECONNREFUSED';
        collector.finish();
      }
    });
    const connected = await new Promise<boolean>((resolve) => {
      sock.once('connect', () => resolve(true));
      sock.once('close', () => resolve(false));
    });
    if (connected) {
      for (const [i, part] of parts.entries()) {
        if (sock.destroyed) break;
        if (i > 0 && opts.writeGapMs) await new Promise((r) => setTimeout(r, opts.writeGapMs));
        await new Promise<void>((resolve) => sock.write(part, () => resolve()));
      }
      await collector.wait();
    }
    weClosed = true;
    sock.destroy();
    await closed;
  }
  reply.elapsedMs = Date.now() - started;
  return reply;
}

/** Waits out the window, or less if `done()` turns true or finish() is called. */
class Collector {
  private resolve?: () => void;
  private finished = false;
  constructor(private readonly windowMs: number, private readonly done: () => boolean) {}
  check(): void {
    if (this.done()) this.finish();
  }
  finish(): void {
    this.finished = true;
    this.resolve?.();
  }
  wait(): Promise<void> {
    if (this.finished || this.done()) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, this.windowMs);
      this.resolve = () => { clearTimeout(timer); resolve(); };
    });
  }
}

/** The status codes of the SIP responses in a byte stream ("SIP/2.0 400 Bad Request" -> 400). */
export function sipStatuses(bytes: Buffer): number[] {
  const text = bytes.toString('latin1');
  return [...text.matchAll(/(?:^|\r?\n)SIP\/2\.0 (\d{3}) /g)].map((m) => Number(m[1]));
}

/** What came back, in the terms of BadMessage.expect: 'drop' when nothing did. */
export function outcome(reply: RawReply): 'drop' | number[] {
  return reply.bytes.length === 0 ? 'drop' : reply.statuses;
}

export interface BadMessage {
  name: string;
  transport: RawTransport;
  bytes: Buffer;
  expect: '400' | 'drop';
  /** For '400': the statuses that count as right (400 first); for 'drop': none. */
  acceptStatuses: number[];
  /** Why this is the right reaction. */
  why: string;
}

export interface BadMessageOptions {
  /** The sent-by port in the Vias: send the UDP ones from it. Default 5060. */
  localPort?: number;
  /** The engine's address, for the Request-URIs. Default 127.0.0.1:5060. */
  target?: string;
  /** Makes Call-IDs and branches unique per batch; default: from the clock. */
  unique?: string;
}

/** A deterministic pseudo-random byte generator (mulberry32), so that garbage is reproducible. */
export function garbage(length: number, seed = 1): Buffer {
  const out = Buffer.alloc(length);
  let a = seed >>> 0;
  for (let i = 0; i < length; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = ((t ^ (t >>> 14)) >>> 0) & 0xff;
  }
  return out;
}

const CRLF = '\r\n';
const KIB_64 = 64 * 1024;

/** The catalogue of bad messages; see the header of this file for the rule behind `expect`. */
export function badMessages(opts: BadMessageOptions = {}): BadMessage[] {
  const localPort = opts.localPort ?? 5060;
  const target = opts.target ?? '127.0.0.1:5060';
  const unique = opts.unique ?? Date.now().toString(36);

  /** An OPTIONS request, as lines; `edit` changes what the case is about. */
  const request = (name: string, transport: RawTransport, edit: (h: Record<string, string | undefined>) => void = () => {}) => {
    const h: Record<string, string | undefined> = {
      start: `OPTIONS sip:service@${target} SIP/2.0`,
      Via: `SIP/2.0/${transport.toUpperCase()} 127.0.0.1:${localPort};branch=z9hG4bK-${name}-${unique};rport`,
      'Max-Forwards': '70',
      From: `<sip:raw@127.0.0.1:${localPort}>;tag=raw-${unique}`,
      To: `<sip:service@${target}>`,
      'Call-ID': `${name}-${unique}@127.0.0.1`,
      CSeq: '1 OPTIONS',
      Accept: 'application/sdp',
      'Content-Length': '0',
    };
    edit(h);
    const { start, ...headers } = h;
    return [start, ...Object.entries(headers).filter(([, v]) => v !== undefined).map(([k, v]) => `${k}: ${v}`)];
  };
  const message = (lines: (string | undefined)[], body = '') => Buffer.from(lines.filter((l) => l !== undefined).join(CRLF) + CRLF + CRLF + body, 'latin1');
  const bad = (name: string, transport: RawTransport, expect: '400' | 'drop', bytes: Buffer, why: string, also: number[] = []): BadMessage => ({
    name, transport, bytes, expect, acceptStatuses: expect === '400' ? [400, ...also] : [], why,
  });

  const truncatedHeaders = Buffer.from(request('truncated-in-headers', 'udp').join(CRLF), 'latin1');
  const hugeHeader = `X-Padding: ${'p'.repeat(70_000)}`;

  return [
    // ---- UDP: no response possible or due
    bad('binary-garbage', 'udp', 'drop', garbage(512, 7), 'no SIP at all'),
    bad('text-garbage', 'udp', 'drop', Buffer.from(`hello, is this SIP?${CRLF}${CRLF}`), 'no start line, no headers'),
    bad('truncated-start-line', 'udp', 'drop', Buffer.from(`OPTIONS sip:service@${target} SI`), 'cut inside the start line: nothing to answer to'),
    bad('only-crlf', 'udp', 'drop', Buffer.from(CRLF + CRLF), 'a keep-alive, never answered'),
    bad('missing-via', 'udp', 'drop', message(request('missing-via', 'udp', (h) => { h.Via = undefined; })), 'no Via: nowhere to send a response'),
    bad('unparseable-via', 'udp', 'drop', message(request('unparseable-via', 'udp', (h) => { h.Via = 'this is not a via'; })), 'the Via cannot be read: nowhere to send a response'),
    bad('missing-call-id', 'udp', 'drop', message(request('missing-call-id', 'udp', (h) => { h['Call-ID'] = undefined; })), 'no Call-ID to put in a response'),
    bad('missing-from', 'udp', 'drop', message(request('missing-from', 'udp', (h) => { h.From = undefined; })), 'no From to put in a response'),
    bad('unparseable-cseq', 'udp', 'drop', message(request('unparseable-cseq', 'udp', (h) => { h.CSeq = 'one OPTIONS'; })), 'the CSeq cannot be read'),
    bad('garbled-response', 'udp', 'drop',
      message(request('garbled-response', 'udp', (h) => { h.start = 'SIP/2.0 abc Broken'; })), 'a response is never answered, broken or not'),

    // ---- UDP: core headers readable, something else broken: 400
    bad('truncated-in-headers', 'udp', '400', Buffer.concat([truncatedHeaders, Buffer.from(`${CRLF}Subject: cut he`)]),
      'the datagram ends inside the header section (no empty line), after the core headers'),
    bad('body-shorter-than-content-length', 'udp', '400',
      message(request('body-shorter-than-content-length', 'udp', (h) => { h['Content-Type'] = 'text/plain'; h['Content-Length'] = '100'; }), 'only 20 bytes here.'),
      'RFC 3261 18.3: a datagram ending before Content-Length bytes of body: a request gets 400'),
    bad('cseq-method-mismatch', 'udp', '400', message(request('cseq-method-mismatch', 'udp', (h) => { h.CSeq = '1 INFO'; })),
      'the CSeq method must be the request method'),
    bad('missing-sip-version', 'udp', '400',
      message(request('missing-sip-version', 'udp', (h) => { h.start = `OPTIONS sip:service@${target}`; })), 'a start line without SIP/2.0', [505]),
    bad('bad-request-uri', 'udp', '400', message(request('bad-request-uri', 'udp', (h) => { h.start = 'OPTIONS sip:@@@:port SIP/2.0'; })),
      'the Request-URI does not parse', [416]),
    bad('invalid-method-token', 'udp', '400',
      message(request('invalid-method-token', 'udp', (h) => { h.start = `OPT(IONS sip:service@${target} SIP/2.0`; h.CSeq = '1 OPT(IONS'; })),
      'the method is not a token'),
    bad('header-without-colon', 'udp', '400',
      message([...request('header-without-colon', 'udp').slice(0, -1), 'This line has no colon', 'Content-Length: 0']), 'a header line without a colon'),
    bad('content-length-not-a-number', 'udp', '400',
      message(request('content-length-not-a-number', 'udp', (h) => { h['Content-Length'] = 'lots'; })), 'Content-Length is not a number'),
    bad('negative-content-length', 'udp', '400',
      message(request('negative-content-length', 'udp', (h) => { h['Content-Length'] = '-5'; })), 'Content-Length is negative'),
    bad('max-forwards-not-a-number', 'udp', '400',
      message(request('max-forwards-not-a-number', 'udp', (h) => { h['Max-Forwards'] = 'many'; })), 'Max-Forwards is not a number'),
    bad('nul-in-header', 'udp', '400', message(request('nul-in-header', 'udp', (h) => { h.Subject = 'a\u0000b'; })), 'a NUL byte inside a header value'),

    // ---- TCP
    bad('tcp-binary-garbage', 'tcp', 'drop', garbage(2048, 11), 'no SIP at all: the engine may close the connection'),
    bad('tcp-headers-over-64k', 'tcp', '400', Buffer.from(request('tcp-headers-over-64k', 'tcp').slice(0, -1).concat(hugeHeader).join(CRLF) + CRLF, 'latin1'),
      'the header section runs past 64 KiB without its empty line: the message cannot be framed, but its core headers came first and read fine, so the engine answers 400 (or 513) and then closes the connection', [513]),
    bad('tcp-body-over-64k', 'tcp', '400',
      message(request('tcp-body-over-64k', 'tcp', (h) => { h['Content-Type'] = 'text/plain'; h['Content-Length'] = '70000'; }), 'b'.repeat(70_000)),
      'a complete message over 64 KiB whose headers read fine: refused with an error response', [513]),
    bad('tcp-incomplete-body', 'tcp', 'drop',
      message(request('tcp-incomplete-body', 'tcp', (h) => { h['Content-Type'] = 'text/plain'; h['Content-Length'] = '100'; }), 'ten bytes.'),
      'over TCP the rest of the body may still come: the engine waits, it does not answer'),
    bad('tcp-cseq-method-mismatch', 'tcp', '400', message(request('tcp-cseq-method-mismatch', 'tcp', (h) => { h.CSeq = '1 INFO'; })),
      'the CSeq method must be the request method; the 400 comes back on the connection'),
    bad('tcp-content-length-not-a-number', 'tcp', '400',
      message(request('tcp-content-length-not-a-number', 'tcp', (h) => { h['Content-Length'] = 'lots'; })),
      'over TCP the body cannot even be delimited; the headers read fine, so 400 (and the engine may then close)'),
  ].map((m) => {
    if (m.name.startsWith('tcp-') !== (m.transport === 'tcp')) throw new Error(`bad message ${m.name}: transport mismatch`);
    if (m.name.includes('over-64k') && m.bytes.length <= KIB_64) throw new Error(`bad message ${m.name} is not over 64 KiB`);
    return m;
  });
}
