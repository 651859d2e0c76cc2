import { SipRequest, SipResponse, makeResponse } from '../message/message';
import { parseNameAddr } from '../message/name-addr';
import { parseUri } from '../message/uri';
import { newBranch } from '../ids';
import type { AppConnection } from '../drachtio/app-connection';
import type { ClientTransaction, ServerTransaction } from '../transaction/transaction-layer';
import type { InviteServerTransaction } from '../transaction/invite-server';
import type { Endpoint, Source } from '../transport/types';
import { parseAppMessage } from '../message/parser';
import { buildCancel } from './cancel';
import { timeToken } from './report';
import type { SipCore } from './sip-core';

/** What the app asked for in `proxy|<txnId>|remainInDialog|fullResponse|followRedirects|simultaneous|<prov>|<final>|<dest>…`. */
export interface ProxyOptions {
  txnId: string;
  remainInDialog: boolean;
  followRedirects: boolean;
  simultaneous: boolean;
  provisionalTimeoutMs: number | undefined;
  finalTimeoutMs: number | undefined;
  destinations: string[];
  /** Headers the app gave (`proxyRequest(req, dest, { headers })`): set on every forwarded request. */
  headers: Array<[string, string]>;
}

/**
 * Headers a proxy must not take from the app: they identify the transaction and dialog or carry the
 * route (RFC 3261 §16.6), or are the engine's own.
 */
const PROXY_FIXED_HEADERS = new Set(['via', 'record-route', 'route', 'from', 'to', 'call-id', 'cseq', 'max-forwards', 'content-length', 'content-type']);
/** Headers (and bytes of them) an app may add to a proxied request at most. */
const MAX_PROXY_HEADERS = 50;
const MAX_PROXY_HEADER_BYTES = 8192;

/** The app's headers from the SIP message after a `proxy` command's leader (none when there is no message). */
export function proxyHeaders(sipText: string): Array<[string, string]> {
  if (!sipText.trim()) return [];
  let msg;
  try {
    msg = parseAppMessage(sipText);
  } catch {
    return [];
  }
  const out: Array<[string, string]> = [];
  let bytes = 0;
  for (const [name, value] of msg.headers) {
    if (PROXY_FIXED_HEADERS.has(name)) continue;
    bytes += name.length + value.length;
    if (out.length >= MAX_PROXY_HEADERS || bytes > MAX_PROXY_HEADER_BYTES) break;
    out.push([name, value]);
  }
  return out;
}

/** Redirects followed per proxied request at most (each 3xx Contact adds targets). */
const MAX_REDIRECTS = 5;
/** Targets tried per proxied request at most (destinations plus redirect Contacts). */
export const MAX_PROXY_TARGETS = 20;

export function parseProxyCommand(tokens: readonly string[], sipText = ''): ProxyOptions {
  const [txnId = '', remain = '', , follow = '', forking = '', prov = '', fin = '', ...destinations] = tokens;
  return {
    txnId,
    remainInDialog: remain === 'remainInDialog',
    followRedirects: follow === 'followRedirects',
    simultaneous: forking === 'simultaneous',
    provisionalTimeoutMs: parseDuration(prov),
    finalTimeoutMs: parseDuration(fin),
    destinations: destinations.map((d) => d.trim()).filter(Boolean).slice(0, MAX_PROXY_TARGETS),
    headers: proxyHeaders(sipText),
  };
}

/** drachtio's timeout syntax: `2s`, `1500ms` (a bare number is milliseconds). */
export function parseDuration(text: string): number | undefined {
  const m = /^(\d+)(ms|s)?$/.exec(text.trim());
  if (!m) return undefined;
  return Number(m[1]) * (m[2] === 's' ? 1000 : 1);
}

interface Branch {
  target: string;
  request: SipRequest;
  dest: Endpoint;
  txn: ClientTransaction | undefined;
  /** Any response (100 included) has come: the branch may be CANCELled. */
  heard: boolean;
  final: boolean;
  timer: unknown;
}

/**
 * Stateful proxying (RFC 3261 §16) as drachtio-server offers it to apps: `srf.proxyRequest` forwards
 * an incoming request to one or more targets, serially or in parallel, adds a Record-Route when the
 * app wants to stay in the dialog, follows 3xx when asked, relays provisional and 2xx responses
 * upstream at once and the best final response when every branch has failed, and propagates CANCEL.
 * Each response is reported to the app (`continue`), and `done` closes the operation. Requests of a
 * record-routed dialog (Route naming us) are forwarded the same way, without the app.
 */
export class ProxyCore {
  private readonly operations = new WeakMap<ServerTransaction, ProxyOperation>();

  constructor(private readonly core: SipCore) {}

  /** The app's `proxy` command for a request it was given. */
  start(conn: AppConnection, msgId: string, tokens: readonly string[], sipText = ''): void {
    const options = parseProxyCommand(tokens, sipText);
    const rec = this.core.inbound.get(options.txnId);
    if (!rec || rec.txn.finalStatus !== undefined) return conn.reply(msgId, 'NOK|unknown transaction id or request already answered');
    if (options.destinations.length === 0) return conn.reply(msgId, 'NOK|no destination');
    this.core.untrack(rec);
    const op = new ProxyOperation(this.core, rec.txn, options, (payload) => conn.reply(msgId, payload));
    this.operations.set(rec.txn, op);
    op.run();
  }

  /** A CANCEL for a proxied INVITE: the branches are cancelled; their 487 goes upstream. Returns false when not proxied. */
  cancel(invite: InviteServerTransaction): boolean {
    const op = this.operations.get(invite);
    if (!op) return false;
    op.cancel();
    return true;
  }

  /** A request of a dialog we record-routed: its top Route names us. */
  routedThroughUs(req: SipRequest): boolean {
    const top = req.getAll('route')[0];
    return top !== undefined && this.isUs(top);
  }

  /** Forwards a request of a record-routed dialog (BYE, re-INVITE…) statefully. */
  forwardInDialog(txn: ServerTransaction): void {
    const op = new ProxyOperation(this.core, txn, {
      txnId: '', remainInDialog: false, followRedirects: false, simultaneous: false,
      provisionalTimeoutMs: undefined, finalTimeoutMs: undefined, destinations: [txn.request.uri], headers: [],
    }, undefined);
    this.operations.set(txn, op);
    op.run();
  }

  /** Forwards the ACK for a 2xx of a record-routed dialog, statelessly (RFC 3261 §16.11). */
  async forwardAck(ack: SipRequest): Promise<void> {
    const fwd = forwardedCopy(ack, ack.uri);
    dropOwnRoute(fwd, (r) => this.isUs(r));
    const dest = await this.core.transport.resolve(nextHop(fwd));
    fwd.prepend('Via', this.core.transport.viaFor(this.core.transport.has(dest.protocol) ? dest.protocol : 'udp', newBranch()));
    this.core.transport.sendBytes(fwd.toBuffer(), dest);
  }

  isUs(routeValue: string): boolean {
    let uri;
    try {
      uri = parseUri(parseNameAddr(routeValue).uri);
    } catch {
      return false;
    }
    const port = uri.port ?? 5060;
    const host = uri.host.replace(/^\[|\]$/g, '');
    return this.core.transport.listening().some((l) => l.port === port && (l.address === host || (l.address === '0.0.0.0' && host === '127.0.0.1') || (l.address === '::' && host === '::1')));
  }
}

class ProxyOperation {
  private readonly queue: string[];
  private readonly branches: Branch[] = [];
  private best: SipResponse | undefined;
  private redirects = 0;
  private tried = 0;
  private cancelled = false;
  private done = false;
  /** The status last reported to the app (its `finalStatus` is the last one it was told). */
  private lastReported: number | undefined;

  constructor(
    private readonly core: SipCore,
    private readonly server: ServerTransaction,
    private readonly options: ProxyOptions,
    private readonly report: ((payload: string) => void) | undefined,
  ) {
    this.queue = [...options.destinations];
  }

  run(): void {
    const mf = this.server.request.get('max-forwards');
    if (mf !== undefined && Number(mf) <= 0) return this.finish(makeResponse(this.server.request, 483, undefined));
    this.next();
  }

  cancel(): void {
    this.cancelled = true;
    this.queue.length = 0;
    for (const b of this.branches) if (!b.final) this.cancelBranch(b);
  }

  /** Starts the next target (serial) or every queued target (parallel); with none left, the best response goes upstream. */
  private next(): void {
    if (this.done) return;
    while (this.queue.length > 0 && !this.cancelled) {
      const target = this.queue.shift()!;
      this.tried++;
      void this.startBranch(target);
      if (!this.options.simultaneous) return;
    }
    if (this.branches.every((b) => b.final)) this.finish(this.best ?? makeResponse(this.server.request, this.cancelled ? 487 : 408, undefined));
  }

  private async startBranch(target: string): Promise<void> {
    const core = this.core;
    const req = forwardedCopy(this.server.request, target);
    dropOwnRoute(req, (r) => core.proxy.isUs(r));
    // the app's headers replace the request's of the same name (as drachtio-server sets them)
    for (const name of new Set(this.options.headers.map(([k]) => k))) req.remove(name);
    for (const [k, v] of this.options.headers) req.append(k, v);
    const branch: Branch = { target, request: req, dest: { protocol: 'udp', address: '', port: 0 }, txn: undefined, heard: false, final: false, timer: undefined };
    this.branches.push(branch);
    try {
      branch.dest = await core.transport.resolve(nextHop(req));
      if (!core.transport.has(branch.dest.protocol)) throw new Error(`no ${branch.dest.protocol} transport`);
    } catch (err) {
      core.log.info({ target, err: (err as Error).message }, 'proxy: target cannot be reached');
      return this.onFinal(branch, makeResponse(this.server.request, 404, undefined, 'Not Found'), undefined);
    }
    if (this.options.remainInDialog && (req.method === 'INVITE' || req.method === 'SUBSCRIBE')) {
      req.prepend('Record-Route', `<${core.transport.contactFor(branch.dest.protocol)};lr>`);
    }
    req.prepend('Via', core.transport.viaFor(branch.dest.protocol, newBranch()));
    branch.txn = core.transactions.sendRequest(req, branch.dest, { onResponse: (res, source) => this.onResponse(branch, res, source) });
    this.arm(branch, this.options.provisionalTimeoutMs ?? this.options.finalTimeoutMs, !this.options.provisionalTimeoutMs);
  }

  /** The branch's timer: without a first response (or, once heard, a final one) it is given up. */
  private arm(branch: Branch, ms: number | undefined, waitingForFinal: boolean): void {
    if (branch.timer !== undefined) this.core.transactions.clock.clearTimeout(branch.timer);
    branch.timer = undefined;
    if (ms === undefined) return;
    branch.timer = this.core.transactions.clock.setTimeout(() => {
      if (branch.final) return;
      this.core.log.info({ target: branch.target, waitingForFinal }, 'proxy: target timed out');
      if (branch.heard) this.cancelBranch(branch);
      else branch.txn?.terminate(); // nothing heard: stop retransmitting into the void
      this.onFinal(branch, makeResponse(this.server.request, 408, undefined), undefined);
    }, ms);
  }

  private onResponse(branch: Branch, res: SipResponse, source: Source | undefined): void {
    const status = res.status;
    const upstream = forUpstream(res, this.server.request);
    if (status === 100) {
      if (!branch.heard) {
        branch.heard = true;
        this.arm(branch, this.options.finalTimeoutMs, true);
        if (this.cancelled) this.cancelBranch(branch); // cancelled before it answered: now it may be
      }
      return;
    }
    if (status >= 200 && status < 300) {
      if (branch.timer !== undefined) this.core.transactions.clock.clearTimeout(branch.timer);
      // another fork's 2xx, or a retransmission: passed on as it comes (the ACK is end to end)
      if (branch.final || this.done) return this.sendUpstream(upstream);
      branch.final = true;
      this.reportResponse(res, source);
      for (const b of this.branches) if (b !== branch && !b.final) this.cancelBranch(b);
      return this.finish(upstream);
    }
    if (status < 200) {
      if (branch.final || this.done) return;
      if (!branch.heard) this.arm(branch, this.options.finalTimeoutMs, true);
      const firstHeard = !branch.heard;
      branch.heard = true;
      if (this.cancelled && firstHeard) this.cancelBranch(branch);
      this.reportResponse(res, source);
      if (this.server.finalStatus === undefined) this.server.respond(upstream);
      return;
    }
    this.onFinal(branch, upstream, res, source);
  }

  /** A non-2xx final response (or a give-up) on a branch: remembered, redirects queued, then the next target. */
  private onFinal(branch: Branch, upstream: SipResponse, received: SipResponse | undefined, source?: Source): void {
    if (branch.final) return;
    branch.final = true;
    if (branch.timer !== undefined) this.core.transactions.clock.clearTimeout(branch.timer);
    if (received) this.reportResponse(received, source);
    const status = upstream.status;
    if (status >= 300 && status < 400 && this.options.followRedirects && this.redirects < MAX_REDIRECTS && !this.cancelled) {
      const contacts = upstream.getAll('contact').map((c) => parseNameAddr(c).uri);
      if (contacts.length > 0) {
        this.redirects++;
        this.queue.unshift(...contacts.slice(0, Math.max(0, MAX_PROXY_TARGETS - this.tried)));
        return this.next();
      }
    }
    if (!this.best || rank(status) < rank(this.best.status)) this.best = upstream;
    if (status >= 600) this.cancel(); // a 6xx ends the search (RFC 3261 §16.7 step 5)
    this.next();
  }

  private cancelBranch(branch: Branch): void {
    if (branch.final || !branch.txn || branch.request.method !== 'INVITE') return;
    if (!branch.heard) return; // no response yet: a CANCEL may not be sent (RFC 3261 §9.1); the timer ends it
    const cancel = buildCancel(branch.request);
    this.core.transactions.sendRequest(cancel, branch.dest, { onResponse: () => undefined });
  }

  private finish(res: SipResponse): void {
    if (this.done) return;
    this.done = true;
    for (const b of this.branches) if (b.timer !== undefined) this.core.transactions.clock.clearTimeout(b.timer);
    this.sendUpstream(res);
    // a response of our own (408, 483…) or the best of several failures: the app is told what the caller got
    if (this.lastReported !== res.status) this.reportResponse(res, undefined);
    this.report?.('OK|done');
  }

  private sendUpstream(res: SipResponse): void {
    if (this.server.finalStatus === undefined) this.server.respond(res);
    else if (res.status >= 200 && res.status < 300) {
      this.core.transport.sendBytes(res.toBuffer(), this.core.transport.responseDestination(res, this.server.source));
    }
  }

  private reportResponse(res: SipResponse, source: Source | undefined): void {
    if (!this.report) return;
    this.lastReported = res.status;
    const peer = source ?? this.branches.find((b) => b.final)?.dest ?? { protocol: 'udp', address: '', port: 0 };
    const text = res.toString();
    this.report(`OK|network|${Buffer.byteLength(text)}|${peer.protocol}|${peer.address}|${peer.port}|${timeToken()}|${this.options.txnId}||continue\r\n${text}`);
  }
}

/** A response's preference when choosing what goes upstream: 6xx first, then 4xx/5xx/3xx in class order (RFC 3261 §16.7). */
function rank(status: number): number {
  if (status >= 600) return 0;
  if (status >= 300 && status < 400) return 3;
  return status >= 400 && status < 500 ? 1 : 2;
}

/** The request as forwarded (RFC 3261 §16.6): a copy with the new Request-URI and one hop less. */
function forwardedCopy(req: SipRequest, target: string): SipRequest {
  const fwd = new SipRequest(req.method, target);
  fwd.headers = req.headers.map(([k, v]) => [k, v]);
  fwd.body = req.body;
  const mf = Number(req.get('max-forwards') ?? '70');
  fwd.set('Max-Forwards', String(Math.max(0, (Number.isFinite(mf) ? mf : 70) - 1)));
  return fwd;
}

/** Removes the top Route when it names us (RFC 3261 §16.4). */
function dropOwnRoute(req: SipRequest, isUs: (route: string) => boolean): void {
  const routes = req.getAll('route');
  if (routes.length === 0 || !isUs(routes[0]!)) return;
  req.remove('route');
  for (const r of routes.slice(1)) req.append('Route', r);
}

/** Where the request goes next: its top Route (loose routing), else its Request-URI. */
function nextHop(req: SipRequest): string {
  const route = req.getAll('route')[0];
  return route ? parseNameAddr(route).uri : req.uri;
}

/**
 * The response as it goes upstream: our Via removed — written as the request's own Via headers, so
 * a peer that answered with only the last hop's Via (seen with a 487 after a CANCEL) still reaches
 * the caller.
 */
function forUpstream(res: SipResponse, request: SipRequest): SipResponse {
  const copy = new SipResponse(res.status, res.reason);
  const vias = request.headers.filter(([k]) => k === 'via');
  let placed = false;
  for (const entry of res.headers) {
    if (entry[0] !== 'via') copy.headers.push([entry[0], entry[1]]);
    else if (!placed) {
      placed = true;
      copy.headers.push(...vias.map(([k, v]): [string, string] => [k, v]));
    }
  }
  if (!placed) copy.headers.unshift(...vias.map(([k, v]): [string, string] => [k, v]));
  copy.body = res.body;
  return copy;
}
