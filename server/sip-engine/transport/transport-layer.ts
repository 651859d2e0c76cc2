import { EventEmitter } from 'node:events';
import * as dns from 'node:dns/promises';
import * as net from 'node:net';
import { readFileSync } from 'node:fs';
import { SipRequest, SipResponse, makeResponse, type AnySipMessage } from '../message/message';
import { parseMessage, SipParseError } from '../message/parser';
import { parseUri } from '../message/uri';
import { formatVia, type Via } from '../message/via';
import { splitList } from '../message/split';
import { TcpTransport } from './tcp-transport';
import { UdpTransport } from './udp-transport';
import { WsTransport } from './ws-transport';
import { isReliable, type Endpoint, type ListenSpec, type Protocol, type Source, type Transport } from './types';
import { SourceLimits, UNRATED_SOURCE_LIMITS } from './source-limits';

export interface TransportLayerEvents {
  request: [req: SipRequest, source: Source];
  response: [res: SipResponse, source: Source];
  /** A message that was answered with 400 or dropped. */
  badMessage: [reason: string, source: Source, answered: boolean];
  connectionClosed: [flow: Source];
}

/**
 * Owns the listening transports: parses what arrives, answers unreadable requests with 400,
 * stamps `received`/`rport` on the top Via (RFC 3581), and sends requests and responses the
 * way RFC 3261 §18 routes them.
 */
export class TransportLayer extends EventEmitter<TransportLayerEvents> {
  private readonly transports = new Map<Protocol, Transport>();

  constructor(private readonly specs: ListenSpec[], readonly limits: SourceLimits = new SourceLimits(UNRATED_SOURCE_LIMITS)) {
    super();
  }

  async listen(): Promise<void> {
    for (const spec of this.specs) {
      const t = this.create(spec);
      await t.listen();
      t.on('data', (bytes, source) => this.onData(bytes, source));
      t.on('framingError', (reason, bytes, source) => this.onBad(reason, bytes, source));
      t.on('connectionClosed', (flow) => this.emit('connectionClosed', flow));
      this.transports.set(spec.protocol, t);
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.transports.values()].map((t) => t.close()));
    this.transports.clear();
  }

  /** The listening transports as `protocol/address:port` (what drachtio calls hostports). */
  listening(): Array<{ protocol: Protocol; address: string; port: number }> {
    return [...this.transports.values()].map((t) => ({ protocol: t.protocol, ...t.local }));
  }

  has(protocol: Protocol): boolean {
    return this.transports.has(protocol);
  }

  /** The sent-by for our Via on a transport: `SIP/2.0/UDP 127.0.0.1:5060`. */
  viaFor(protocol: Protocol, branch: string): string {
    const t = this.get(protocol);
    const via: Via = { protocol: 'SIP/2.0', transport: protocol.toUpperCase(), host: uriHost(t.local.address), port: t.local.port, params: new Map([['branch', branch]]) };
    if (protocol === 'udp') via.params.set('rport', null);
    return formatVia(via);
  }

  /** Our Contact URI on a transport. */
  contactFor(protocol: Protocol): string {
    const t = this.get(protocol);
    return `sip:${uriHost(t.local.address)}:${t.local.port}${protocol === 'udp' ? '' : `;transport=${protocol}`}`;
  }

  hasConnection(ep: Endpoint): boolean {
    return ep.connectionId !== undefined && (this.transports.get(ep.protocol)?.hasConnection(ep.connectionId) ?? false);
  }

  /** The endpoint pinned to its open connection (TCP, WebSocket), or undefined when none is open. */
  openFlow(ep: Endpoint): Endpoint | undefined {
    if (!isReliable(ep.protocol)) return undefined;
    if (this.hasConnection(ep)) return ep;
    const id = this.transports.get(ep.protocol)?.connectionTo(ep.address, ep.port);
    return id ? { ...ep, connectionId: id } : undefined;
  }

  send(msg: AnySipMessage, dest: Endpoint, onError?: (err: Error) => void): void {
    this.sendBytes(msg.toBuffer(), dest, onError);
  }

  sendBytes(bytes: Buffer, dest: Endpoint, onError?: (err: Error) => void): void {
    const t = this.transports.get(dest.protocol);
    if (!t) {
      onError?.(new Error(`no ${dest.protocol} transport`));
      return;
    }
    t.send(dest, bytes, onError);
  }

  /**
   * Where a response goes: back over the request's connection while it is open, otherwise to the
   * top Via's received/rport or sent-by (RFC 3261 §18.2.2, RFC 3581 §4).
   */
  responseDestination(res: SipResponse, source?: Source): Endpoint {
    const via = res.topVia();
    const protocol = via.transport.toLowerCase() as Protocol;
    if (source && isReliable(source.protocol) && this.hasConnection(source)) return source;
    const rport = via.params.get('rport');
    const address = via.params.get('received') ?? via.host;
    const port = rport ? Number(rport) : (via.port ?? (protocol === 'tls' || protocol === 'wss' ? 5061 : 5060));
    return { protocol: this.has(protocol) ? protocol : (source?.protocol ?? 'udp'), address: stripBrackets(address), port };
  }

  /** Resolves a SIP URI (request URI or Route) to a transport address (RFC 3263, without SRV/NAPTR). */
  async resolve(uriText: string): Promise<Endpoint> {
    const uri = parseUri(uriText);
    if (uri.scheme !== 'sip' && uri.scheme !== 'sips') throw new Error(`cannot route to ${uri.scheme}: URI`);
    const tp = (uri.params.get('transport') ?? (uri.scheme === 'sips' ? 'tls' : 'udp')).toLowerCase() as Protocol;
    const host = stripBrackets(uri.params.get('maddr') ?? uri.host);
    const address = net.isIP(host) ? host : (await dns.lookup(host, { family: 4 })).address;
    const port = uri.port ?? (tp === 'tls' || tp === 'wss' ? 5061 : 5060);
    return net.isIP(host) ? { protocol: tp, address, port } : { protocol: tp, address, port, hostname: host };
  }

  private get(protocol: Protocol): Transport {
    const t = this.transports.get(protocol);
    if (!t) throw new Error(`no ${protocol} transport is listening`);
    return t;
  }

  private create(spec: ListenSpec): Transport {
    if (spec.protocol === 'udp') return new UdpTransport(spec.address, spec.port);
    if (spec.protocol === 'tcp') return new TcpTransport(spec.address, spec.port, { limits: this.limits });
    if (spec.protocol === 'tls') {
      if (!spec.tls) throw new Error('a tls transport needs tls.cert and tls.key');
      const { cert, key, ca, verifyPeer, noVerify } = spec.tls;
      return new TcpTransport(spec.address, spec.port, {
        limits: this.limits,
        tls: { cert: readFileSync(cert), key: readFileSync(key), ca: ca ? readFileSync(ca) : undefined, verifyPeer, noVerify },
      });
    }
    if (spec.protocol === 'ws' || spec.protocol === 'wss') {
      return new WsTransport({ secure: spec.protocol === 'wss', address: spec.address, port: spec.port, tls: spec.tls, limits: this.limits });
    }
    throw new Error(`transport ${spec.protocol} is not supported`);
  }

  private onData(bytes: Buffer, source: Source): void {
    if (isKeepAlive(bytes)) return;
    // over its rate, a source's requests are dropped unparsed: no transaction, nothing sent back
    if (!isResponse(bytes) && !this.limits.admitRequest(source.address)) return;
    let msg: AnySipMessage;
    try {
      msg = parseMessage(bytes, isReliable(source.protocol));
    } catch (err) {
      if (err instanceof SipParseError) this.onBad(err.message, bytes, source, err.request, err.status);
      else this.onBad(String(err), bytes, source);
      return;
    }
    if (msg.kind === 'request') {
      stampVia(msg, source);
      this.emit('request', msg, source);
    } else {
      this.emit('response', msg, source);
    }
  }

  private onBad(reason: string, bytes: Buffer, source: Source, request?: SipRequest, status = 400): void {
    let req = request;
    if (!req && bytes.length > 0) {
      try {
        parseMessage(bytes.subarray(0, Math.min(bytes.length, 65535)), false);
      } catch (err) {
        if (err instanceof SipParseError) {
          req = err.request;
          status = err.status;
        }
      }
    }
    if (req) {
      stampVia(req, source);
      const res = makeResponse(req, status, 'bad');
      res.append('Warning', `399 switchboard "${reason.replace(/["\\\r\n]/g, ' ').slice(0, 120)}"`);
      this.send(res, this.responseDestination(res, source));
    }
    if (!req && source.connectionId) this.transports.get(source.protocol)?.closeConnection(source.connectionId);
    this.emit('badMessage', reason, source, req !== undefined);
  }
}

/** RFC 3581: note the packet's source address and port on the top Via. */
function stampVia(req: SipRequest, source: Source): void {
  const first = req.get('via');
  if (!first) return;
  const values = splitList(first);
  let via: Via;
  try {
    via = req.topVia();
  } catch {
    return;
  }
  let changed = false;
  if (stripBrackets(via.host) !== source.address) {
    via.params.set('received', source.address);
    changed = true;
  }
  if (via.params.has('rport') && !via.params.get('rport')) {
    via.params.set('rport', String(source.port));
    if (!via.params.has('received')) via.params.set('received', source.address);
    changed = true;
  }
  if (!changed) return;
  values[0] = formatVia(via);
  const idx = req.headers.findIndex(([k]) => k === 'via');
  req.headers[idx] = ['via', values.join(', ')];
}

/** A response starts with its status line's `SIP/`; anything else is treated as a request. */
function isResponse(bytes: Buffer): boolean {
  return bytes.length > 4 && bytes[0] === 0x53 && bytes[1] === 0x49 && bytes[2] === 0x50 && bytes[3] === 0x2f;
}

function isKeepAlive(bytes: Buffer): boolean {
  for (const b of bytes) if (b !== 0x0d && b !== 0x0a && b !== 0x20) return false;
  return true;
}

function stripBrackets(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

/** An address as a URI or Via host: IPv6 in brackets (RFC 3261 §25.1 IPv6reference). */
export function uriHost(address: string): string {
  return address.includes(':') && !address.startsWith('[') ? `[${address}]` : address;
}
