import { makeResponse, SipRequest, type SipResponse } from '../message/message';
import { parseNameAddr, tagOf } from '../message/name-addr';
import { Dialog, DialogStore } from '../dialog/dialog';
import { newBranch, newTag, newTxnId } from '../ids';
import type { AdminServer } from '../drachtio/admin-server';
import type { AppConnection } from '../drachtio/app-connection';
import { TransactionLayer, type ClientTransaction, type ServerTransaction, type TransactionLayerOptions, type TransactionLayerUser } from '../transaction/transaction-layer';
import type { TransportLayer } from '../transport/transport-layer';
import type { Endpoint, Source } from '../transport/types';
import { sipEvent } from './report';
import { TwoXxRetransmitter } from './retransmitter';
import type { EngineLogger } from '../logger';
import { SipCounters } from '../sip-counters';
import { parseRAck, UasReliableProvisionals } from './reliable-provisionals';
import { DEFAULT_SESSION_TIMERS, parseSessionExpires, SessionTimers, type SessionTimerOptions } from './session-timer';
import { ProxyCore } from './proxy';

/** A request delivered to an app, waiting for the app's response. */
export interface InboundRecord {
  txnId: string;
  txn: ServerTransaction;
  conn: string;
  /** Our To tag for this transaction, fixed by the first response that carries one. */
  toTag: string | undefined;
  dialog: Dialog | undefined;
  /** For an initial INVITE answered 101-199: the early dialog, confirmed by a 2xx. */
  early?: Dialog;
  /** For an initial INVITE: its reliable provisional responses (RFC 3262). */
  reliable?: UasReliableProvisionals;
  /** Guards against an app that never answers a non-INVITE request. */
  timer?: unknown;
}

/** A request an app sent through the engine, waiting for responses. */
export interface OutboundRecord {
  txnId: string;
  txn: ClientTransaction | undefined;
  conn: string;
  request: SipRequest;
  dest: Endpoint;
  /** The dialog the request was sent in (in-dialog requests). */
  dialog: Dialog | undefined;
  /** For an initial INVITE: the id of the dialog its 2xx creates, and that dialog once created. */
  uacDialogId: string | undefined;
  created: Dialog | undefined;
  /** The early dialog a reliable provisional opened (the app's PRACK goes in it), and its last RSeq. */
  early: Dialog | undefined;
  lastRSeq: number | undefined;
  /** A CANCEL the app asked for before any provisional response arrived (RFC 3261 §9.1). */
  pendingCancel: SipRequest | undefined;
  final: boolean;
  /** Forgets the record once 2xx retransmissions can no longer come. */
  expiry?: unknown;
}

/** Methods that, arriving with an unknown To tag, are still offered to apps as new requests. */
const ROUTE_AS_NEW = new Set(['OPTIONS', 'MESSAGE', 'NOTIFY', 'SUBSCRIBE', 'PUBLISH']);
/** Methods of RFC 3261 and its extensions; another method no app routes gets 501, not 503. */
const KNOWN_METHODS = new Set(['INVITE', 'ACK', 'BYE', 'CANCEL', 'OPTIONS', 'REGISTER', 'PRACK', 'SUBSCRIBE', 'NOTIFY', 'PUBLISH', 'INFO', 'REFER', 'MESSAGE', 'UPDATE']);
/** Request-URI schemes offered to apps; anything else gets 416. */
const ROUTABLE_SCHEME = /^(sips?|tel|urn):/i;
/**
 * Option tags the engine implements or passes to apps (everything else in Require gets 420):
 * `replaces` (RFC 3891) is the app's to honour — the INVITE reaches it with its Replaces header.
 */
const SUPPORTED_OPTIONS = new Set<string>(['100rel', 'timer', 'replaces']);
/** The longest subscription the engine keeps a dialog for without a refresh (one day). */
const MAX_SUBSCRIPTION_SECONDS = 86_400;
/** How long an app may leave a non-INVITE request unanswered before the engine answers 500. */
const APP_ANSWER_LIMIT_MS = 32_000;

/**
 * The drachtio behaviours between the transaction layer and the apps: new requests go to the app
 * that routed their method (or get 503), in-dialog requests to the dialog's owner (or 481), CANCEL
 * is answered 200 + 487 and reported, 2xx are retransmitted until ACKed (BYE when the ACK never
 * comes), re-INVITE glare gets 491. The app side (`AppSide`) handles what apps send.
 */
export class SipCore implements TransactionLayerUser {
  readonly dialogs = new DialogStore();
  readonly inbound = new Map<string, InboundRecord>();
  readonly inboundByTxn = new WeakMap<ServerTransaction, InboundRecord>();
  readonly outbound = new Map<string, OutboundRecord>();
  readonly retransmitters = new Map<string, TwoXxRetransmitter>();
  /** Initial INVITEs in progress by the id of their early dialog (for PRACK). */
  readonly earlyInvites = new Map<string, InboundRecord>();
  readonly transactions: TransactionLayer;
  readonly counters = new SipCounters();
  readonly sessionTimers: SessionTimers;
  readonly sessionOptions: SessionTimerOptions;
  readonly proxy = new ProxyCore(this);
  private readonly subscriptions = new Map<string, unknown>();
  private closed = false;

  constructor(
    readonly transport: TransportLayer,
    readonly apps: AdminServer,
    readonly log: EngineLogger,
    options: TransactionLayerOptions = {},
    sessionOptions: Partial<SessionTimerOptions> = {},
    /** End a WebSocket peer's dialogs when its connection closes (drachtio-server does not: its apps find out when a request fails). */
    private readonly endDialogsOnFlowClose = true,
  ) {
    this.transactions = new TransactionLayer(transport, this, { ...options, sent: (msg) => this.counters.count('out', msg) });
    this.sessionOptions = { ...DEFAULT_SESSION_TIMERS, ...sessionOptions };
    this.sessionTimers = new SessionTimers(
      this.transactions.clock,
      (d) => this.safely(() => void this.refreshSession(d).catch((err: unknown) => this.log.warn({ err, dialogId: d.id }, 'session refresh failed'))),
      (d) => this.safely(() => void this.hangUp(d, 'Session timer expired', true).catch((err: unknown) => this.log.warn({ err, dialogId: d.id }, 'BYE after session expiry failed'))),
    );
    transport.on('request', (req, source) => {
      this.counters.count('in', req);
      this.safely(() => this.transactions.handleRequest(req, source));
    });
    transport.on('response', (res, source) => {
      this.counters.count('in', res);
      this.safely(() => this.transactions.handleResponse(res, source));
    });
    apps.on('connectionClosed', (conn) => this.safely(() => this.onAppGone(conn)));
    transport.on('connectionClosed', (flow) => this.safely(() => this.onFlowClosed(flow)));
  }

  // ---- network → apps --------------------------------------------------------------------------

  onRequest(txn: ServerTransaction): void {
    const req = txn.request;
    if (req.method === 'CANCEL') return this.onCancel(txn);
    // a Request-URI the engine cannot route (RFC 3261 §8.2.2.1; RFC 4475 §3.3.2, §3.3.3)
    if (!ROUTABLE_SCHEME.test(req.uri)) return this.reject(txn, 416);
    const unsupported = unsupportedOptions(req);
    if (unsupported.length > 0) {
      const res = makeResponse(req, 420, newTag());
      res.append('Unsupported', unsupported.join(', '));
      return txn.respond(res);
    }
    const toTag = tagOf(req.get('to'));
    if (toTag) {
      const d = this.dialogs.find(req.callId, toTag, tagOf(req.get('from')));
      if (d) return this.onDialogRequest(txn, d);
      if (this.proxy.routedThroughUs(req)) return this.proxy.forwardInDialog(txn);
      if (!ROUTE_AS_NEW.has(req.method)) return this.reject(txn, 481);
    }
    const conn = this.apps.pick(req.method);
    if (!conn) return this.reject(txn, KNOWN_METHODS.has(req.method) ? 503 : 501);
    const rec = this.track(txn, conn, undefined);
    conn.send(sipEvent('network', req, txn.source, rec.txnId, '', { address: txn.source.localAddress, port: txn.source.localPort }));
  }

  onAck(ack: SipRequest, source: Source): void {
    const d = this.dialogs.find(ack.callId, tagOf(ack.get('to')), tagOf(ack.get('from')));
    if (!d) {
      // the ACK of a dialog we record-routed goes on; an ACK for nothing we know is dropped
      if (this.proxy.routedThroughUs(ack)) void this.proxy.forwardAck(ack).catch((err: unknown) => this.log.info({ err, callId: ack.callId }, 'proxy: ACK could not be forwarded'));
      return;
    }
    this.stopRetransmitting(d.id);
    this.apps.get(d.owner)?.send(sipEvent('network', ack, source, newTxnId(), d.id));
  }

  onStrayResponse(res: SipResponse, _source: Source): void {
    // a 2xx retransmission after the INVITE transaction ended: ACK it again
    if (res.cseq.method !== 'INVITE' || res.status < 200 || res.status >= 300) return;
    const d = this.dialogs.find(res.callId, tagOf(res.get('from')), tagOf(res.get('to')));
    if (d?.lastAck && d.lastAck.seq === res.cseq.seq) this.transport.sendBytes(d.lastAck.bytes, d.lastAck.dest);
  }

  private onDialogRequest(txn: ServerTransaction, d: Dialog): void {
    const req = txn.request;
    const conn = this.apps.get(d.owner);
    if (!conn) return this.reject(txn, 481);
    const seq = req.cseq.seq;
    if (d.remoteSeq !== undefined && seq <= d.remoteSeq) return this.reject(txn, 500, 'CSeq out of order');
    d.remoteSeq = seq;
    // our answer to the peer's offer is still owed (it goes in the ACK): no new offer may cross it
    if (d.answerOwedInAck && (req.method === 'INVITE' || (req.method === 'UPDATE' && req.body.length > 0))) return this.reject(txn, 491);
    if (req.method === 'INVITE') {
      if (d.outgoingInvitePending) return this.reject(txn, 491);
      if (d.incomingInvitePending) {
        const res = makeResponse(req, 500, d.localTag);
        res.append('Retry-After', String(1 + Math.floor(Math.random() * 10)));
        return txn.respond(res);
      }
      d.incomingInvitePending = true;
      const contact = req.get('contact');
      if (contact) d.remoteTarget = parseNameAddr(contact).uri;
    }
    if (req.method === 'PRACK') {
      // RFC 3262 §3: a PRACK must acknowledge the reliable provisional response in flight
      const invite = this.earlyInvites.get(d.id);
      const rack = parseRAck(req.get('rack'));
      const matches = invite?.reliable && rack && rack.method === 'INVITE' && rack.cseq === invite.txn.request.cseq.seq && invite.reliable.acknowledge(rack.rseq);
      if (!matches) return this.reject(txn, 481);
    }
    if ((req.method === 'INVITE' || req.method === 'UPDATE') && !this.sessionRefreshed(txn, d)) return;
    if (req.method === 'BYE') this.endDialog(d);
    const rec = this.track(txn, conn, d);
    rec.toTag = d.localTag;
    conn.send(sipEvent('network', req, txn.source, rec.txnId, d.id));
  }

  private onCancel(txn: ServerTransaction): void {
    const invite = this.transactions.findInviteFor(txn.request);
    if (!invite) return this.reject(txn, 481);
    const rec = this.inboundByTxn.get(invite);
    txn.respond(makeResponse(txn.request, 200, rec?.toTag ?? newTag()));
    if (invite.finalStatus !== undefined) return; // too late: the INVITE is answered (RFC 3261 §9.2)
    if (this.proxy.cancel(invite)) return; // proxied: the branches are cancelled, their 487 goes upstream
    const toTag = rec?.toTag ?? newTag();
    invite.respond(makeResponse(invite.request, 487, toTag));
    if (!rec) return;
    this.untrack(rec);
    this.apps.get(rec.conn)?.send(sipEvent('network', txn.request, txn.source, rec.txnId, rec.dialog?.id ?? ''));
  }

  /** Stops every timer the core holds (retransmitters, app-answer guards, record expiries). */
  close(): void {
    this.closed = true;
    for (const r of this.retransmitters.values()) r.stop();
    this.retransmitters.clear();
    this.sessionTimers.clear();
    for (const t of this.subscriptions.values()) this.transactions.clock.clearTimeout(t);
    this.subscriptions.clear();
    for (const rec of [...this.inbound.values()]) this.untrack(rec);
    for (const rec of this.outbound.values()) if (rec.expiry !== undefined) this.transactions.clock.clearTimeout(rec.expiry);
    this.outbound.clear();
    this.transactions.clear();
  }

  // ---- shared helpers --------------------------------------------------------------------------

  track(txn: ServerTransaction, conn: AppConnection, dialog: Dialog | undefined): InboundRecord {
    const rec: InboundRecord = { txnId: newTxnId(), txn, conn: conn.id, toTag: undefined, dialog };
    if (txn.request.method !== 'INVITE') {
      rec.timer = this.transactions.clock.setTimeout(() => {
        if (this.inbound.get(rec.txnId) !== rec) return;
        this.log.warn({ method: txn.request.method, callId: txn.request.callId }, 'app did not answer in time; answering 500');
        this.untrack(rec);
        this.reject(txn, 500, 'No response from application');
      }, APP_ANSWER_LIMIT_MS);
    }
    this.inbound.set(rec.txnId, rec);
    this.inboundByTxn.set(txn, rec);
    return rec;
  }

  untrack(rec: InboundRecord): void {
    if (rec.timer !== undefined) this.transactions.clock.clearTimeout(rec.timer);
    this.inbound.delete(rec.txnId);
    rec.reliable?.stop();
    if (rec.early) {
      // never confirmed: the early dialog ends with the INVITE
      this.earlyInvites.delete(rec.early.id);
      this.dialogs.delete(rec.early);
      rec.early = undefined;
    }
  }

  /** Registers the early dialog of an initial INVITE. */
  addEarly(rec: InboundRecord, d: Dialog): Dialog {
    this.earlyInvites.set(d.id, rec);
    return d;
  }

  /** The 2xx confirms the early dialog: it becomes the call's dialog. */
  confirmEarly(rec: InboundRecord): Dialog {
    const d = rec.early!;
    this.earlyInvites.delete(d.id);
    rec.early = undefined;
    return d;
  }

  /** Reliable provisional responses of an initial INVITE; with no PRACK in 64*T1 the INVITE gets 504. */
  reliableFor(rec: InboundRecord): UasReliableProvisionals {
    return new UasReliableProvisionals(this.transactions.clock, this.transactions.timers, (b, e) => this.transport.sendBytes(b, e), () => {
      if (this.inbound.get(rec.txnId) !== rec) return;
      this.log.warn({ callId: rec.txn.request.callId }, 'no PRACK for a reliable provisional response; rejecting the INVITE');
      this.untrack(rec);
      if (rec.txn.finalStatus === undefined) rec.txn.respond(makeResponse(rec.txn.request, 504, rec.toTag, 'Reliable Response Time-Out'));
    });
  }

  reject(txn: ServerTransaction, status: number, reason?: string): void {
    if (txn.finalStatus !== undefined) return;
    txn.respond(makeResponse(txn.request, status, newTag(), reason));
  }

  /** Starts re-sending a 2xx until the ACK; without an ACK the dialog is ended with a BYE. */
  retransmit2xx(d: Dialog, bytes: Buffer, dest: Endpoint): void {
    this.stopRetransmitting(d.id);
    const r = new TwoXxRetransmitter(this.transactions.clock, this.transactions.timers, (b, e) => this.transport.sendBytes(b, e));
    this.retransmitters.set(d.id, r);
    r.start(bytes, dest, () => {
      this.retransmitters.delete(d.id);
      if (this.dialogs.get(d.id) === d) void this.hangUp(d, 'ACK timeout', true);
    });
  }

  stopRetransmitting(dialogId: string): void {
    const r = this.retransmitters.get(dialogId);
    if (r) {
      r.stop();
      this.retransmitters.delete(dialogId);
    }
  }

  endDialog(d: Dialog): void {
    this.stopRetransmitting(d.id);
    this.sessionTimers.cancel(d);
    this.clearSubscription(d.id);
    this.dialogs.delete(d);
  }

  /**
   * A subscription's dialog lives until a NOTIFY ends it, but never longer than its expiry (plus
   * 32 s for the final NOTIFY): one that is neither refreshed nor terminated is forgotten.
   */
  armSubscription(d: Dialog, expiresSeconds: number): void {
    this.clearSubscription(d.id);
    const ms = (Math.min(Math.max(expiresSeconds, 0), MAX_SUBSCRIPTION_SECONDS) + 32) * 1000;
    this.subscriptions.set(d.id, this.transactions.clock.setTimeout(() => {
      this.subscriptions.delete(d.id);
      if (this.dialogs.get(d.id) !== d) return;
      this.log.info({ dialogId: d.id }, 'subscription expired without a final NOTIFY; dialog forgotten');
      this.dialogs.delete(d);
    }, ms));
  }

  /** Whether the dialog is a subscription's (a NOTIFY in a call's dialog, as after a REFER, never ends the call). */
  isSubscription(d: Dialog): boolean {
    return this.subscriptions.has(d.id);
  }

  private clearSubscription(dialogId: string): void {
    const t = this.subscriptions.get(dialogId);
    if (t === undefined) return;
    this.transactions.clock.clearTimeout(t);
    this.subscriptions.delete(dialogId);
  }

  // ---- session timers (RFC 4028, as drachtio-server runs them) ----------------------------------

  /**
   * A re-INVITE or UPDATE from the peer refreshes the session: 422 when it asks for less than
   * Min-SE; otherwise the timer restarts with its Session-Expires (none: no timer any more).
   * Returns false when the request was answered here.
   */
  private sessionRefreshed(txn: ServerTransaction, d: Dialog): boolean {
    const se = parseSessionExpires(txn.request.get('session-expires'));
    if (se && se.delta < this.sessionOptions.minSE) {
      const res = makeResponse(txn.request, 422, d.localTag);
      res.append('Min-SE', String(this.sessionOptions.minSE));
      txn.respond(res);
      return false;
    }
    const weWere = this.sessionTimers.cancel(d);
    if (se) this.sessionTimers.arm(d, se.delta, !((!se.refresher && weWere) || se.refresher === 'uac'));
    return true;
  }

  /**
   * The 200 we send to an INVITE: the app's Session-Expires rules if it wrote one; otherwise the
   * caller's offer is echoed with its refresher (or the configured default), and the timer starts.
   */
  uasSessionTimer(req: SipRequest, res: SipResponse, d: Dialog): void {
    const min = this.sessionOptions.minSE;
    const fromApp = parseSessionExpires(res.get('session-expires'));
    if (fromApp) {
      this.sessionTimers.arm(d, Math.max(min, fromApp.delta), fromApp.refresher === 'uas');
      return;
    }
    const offered = parseSessionExpires(req.get('session-expires'));
    if (!offered) return;
    const required = req.getAll('require').some((o) => o.toLowerCase() === 'timer');
    const fallback = this.sessionOptions.defaultRefresher === 'none' && required ? 'uac' : this.sessionOptions.defaultRefresher;
    const refresher = offered.refresher ?? fallback;
    if (refresher === 'none') return;
    const interval = Math.max(min, offered.delta);
    res.set('Session-Expires', `${interval};refresher=${refresher}`);
    if (refresher === 'uac' && req.getAll('supported').concat(req.getAll('require')).some((o) => o.toLowerCase() === 'timer')) res.append('Require', 'timer');
    this.sessionTimers.arm(d, interval, refresher === 'uas');
  }

  /** A 2xx to an INVITE we sent: its Session-Expires starts the timer (refresher uac or unnamed: us). */
  uacSessionTimer(res: SipResponse, d: Dialog): void {
    const se = parseSessionExpires(res.get('session-expires'));
    if (se) this.sessionTimers.arm(d, se.delta, !se.refresher || se.refresher === 'uac');
  }

  /** We are the refresher and half the interval has gone: a re-INVITE with our last SDP, not shown to the app. */
  private async refreshSession(d: Dialog): Promise<void> {
    if (this.closed || this.dialogs.get(d.id) !== d) return;
    const secs = d.sessionExpires ?? this.sessionOptions.minSE;
    if (d.outgoingInvitePending || d.incomingInvitePending) {
      this.sessionTimers.arm(d, secs, true); // an offer is in progress: try again next time
      return;
    }
    const req = d.createRequest('INVITE');
    req.append('Contact', `<${d.localContact}>`);
    req.append('Session-Expires', `${secs};refresher=uac`);
    req.append('Min-SE', String(this.sessionOptions.minSE));
    req.append('Supported', 'timer');
    if (d.localBody && d.localBody.length > 0) {
      req.body = d.localBody;
      req.append('Content-Type', d.localContentType ?? 'application/sdp');
    }
    d.outgoingInvitePending = true;
    const dest = await this.dialogDestination(d);
    if (this.closed) return;
    req.prepend('Via', this.transport.viaFor(dest.protocol, newBranch()));
    this.log.info({ dialogId: d.id, secs }, 'refreshing the session');
    this.transactions.sendRequest(req, dest, {
      onResponse: (res) => this.safely(() => {
        if (res.status < 200) return;
        d.outgoingInvitePending = false;
        if (this.dialogs.get(d.id) !== d) return;
        if (res.status < 300) {
          const ack = d.createRequest('ACK', req.cseq.seq);
          ack.prepend('Via', this.transport.viaFor(dest.protocol, newBranch()));
          const bytes = ack.toBuffer();
          d.lastAck = { seq: req.cseq.seq, bytes, dest };
          this.transport.sendBytes(bytes, dest);
          this.uacSessionTimer(res, d);
        } else if (res.status === 491) {
          this.sessionTimers.arm(d, secs, true);
        } else {
          void this.hangUp(d, 'Session timer expired', true).catch((err: unknown) => this.log.warn({ err }, 'BYE after a failed refresh failed'));
        }
      }),
    });
  }

  /** Where requests in a dialog go: over its connection while open, otherwise to the resolved next hop. */
  async dialogDestination(d: Dialog): Promise<Endpoint> {
    const open = this.transport.openFlow(d.flow);
    if (open) return open;
    if (d.flow.protocol === 'ws' || d.flow.protocol === 'wss') {
      throw new Error(`the peer's ${d.flow.protocol} connection has closed: it cannot be reached`);
    }
    const ep = await this.transport.resolve(d.nextHop);
    if (!this.transport.has(ep.protocol)) ep.protocol = d.flow.protocol;
    return ep;
  }

  /** The engine hangs up a dialog on its own: BYE to the peer, reported to the owning app as unsolicited. */
  async hangUp(d: Dialog, reason: string, report: boolean): Promise<void> {
    this.endDialog(d);
    const bye = d.createRequest('BYE');
    bye.append('Reason', `SIP ;cause=200 ;text="${reason}"`);
    const dest = await this.dialogDestination(d);
    if (this.closed) return; // shutting down: no new transactions
    bye.prepend('Via', this.transport.viaFor(dest.protocol, newBranch()));
    this.transactions.sendRequest(bye, dest, { onResponse: () => undefined });
    this.log.info({ dialogId: d.id, reason }, 'engine sent BYE');
    if (report) this.apps.get(d.owner)?.send(sipEvent('application', bye, dest, 'unsolicited', d.id));
  }

  /**
   * A WebSocket peer (a browser) cannot be reached once its connection is gone: its dialogs end
   * here, reported to their apps as a BYE from the engine ("connection closed").
   */
  private onFlowClosed(flow: Source): void {
    if (!this.endDialogsOnFlowClose || (flow.protocol !== 'ws' && flow.protocol !== 'wss')) return;
    for (const d of this.dialogs.all()) {
      const same = d.flow.protocol === flow.protocol && d.flow.address === flow.address && d.flow.port === flow.port;
      if (!same && d.flow.connectionId !== flow.connectionId) continue;
      this.endDialog(d);
      const bye = d.createRequest('BYE');
      bye.append('Reason', 'SIP ;cause=200 ;text="connection closed"');
      this.log.info({ dialogId: d.id }, 'flow closed: dialog ended');
      this.apps.get(d.owner)?.send(sipEvent('application', bye, flow, 'unsolicited', d.id));
    }
  }

  private onAppGone(conn: AppConnection): void {
    if (this.closed) return;
    for (const rec of [...this.inbound.values()]) {
      if (rec.conn !== conn.id) continue;
      this.untrack(rec);
      this.reject(rec.txn, rec.txn.request.method === 'INVITE' ? 480 : 503, 'Application disconnected');
    }
    for (const rec of this.outbound.values()) if (rec.conn === conn.id) rec.conn = '';
    // calls whose app is gone can no longer be controlled: end them rather than leave them hanging
    for (const d of this.dialogs.ownedBy(conn.id)) void this.hangUp(d, 'application disconnected', false).catch(() => undefined);
  }

  private safely(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.log.error({ err }, 'error handling a SIP message');
    }
  }
}

function unsupportedOptions(req: SipRequest): string[] {
  if (req.method === 'ACK' || req.method === 'CANCEL') return [];
  return req.getAll('require').map((o) => o.toLowerCase()).filter((o) => !SUPPORTED_OPTIONS.has(o));
}
