import { makeResponse, SipRequest, type AnySipMessage, type SipResponse } from '../message/message';
import { parseAppMessage } from '../message/parser';
import { formatNameAddr, parseNameAddr, tagOf } from '../message/name-addr';
import { Dialog } from '../dialog/dialog';
import { newBranch, newCallId, newTag, newTxnId } from '../ids';
import type { AppConnection } from '../drachtio/app-connection';
import type { Endpoint, Source } from '../transport/types';
import { rewriteLocalhost, sentReply, sipEvent } from './report';
import type { OutboundRecord, SipCore } from './sip-core';
import { hasOption, rseqOf } from './reliable-provisionals';
import { buildCancel } from './cancel';
import { ContactCache, type ContactCacheMode } from './contact-cache';

/** Headers the engine owns: an app's values for these are ignored. */
const ENGINE_HEADERS = new Set(['via', 'record-route', 'content-length', 'rseq']);
const RESPONSE_FIXED = new Set([...ENGINE_HEADERS, 'from', 'to', 'call-id', 'cseq']);
const DIALOG_FIXED = new Set([...ENGINE_HEADERS, 'from', 'to', 'call-id', 'cseq', 'route']);
const CANCEL_FIXED = new Set([...DIALOG_FIXED, 'contact']);
/** Requests that get our Contact when the app gives none. */
const NEEDS_CONTACT = new Set(['INVITE', 'SUBSCRIBE', 'REFER', 'UPDATE', 'NOTIFY']);

class Nok extends Error {}

/** Carries out the `sip` commands apps send: responses, new requests, in-dialog requests, ACK, CANCEL. */
export class AppSide {
  private readonly contacts: ContactCache;

  /**
   * `contactCache`: what a REGISTER 200 teaches the engine (drachtio-server: the first Contact only).
   * `deadFlow`: what an app's request to a WebSocket peer whose connection has closed gets — `no-route`
   * (NOK, nothing sent), or `gone`: sent as far as the app can tell, answered `410 Gone` (as drachtio-server
   * answers, for requests in a dialog and to cached contacts alike).
   */
  constructor(
    private readonly core: SipCore,
    private readonly contactCache: ContactCacheMode = 'registered',
    private readonly deadFlow: 'no-route' | 'gone' = 'no-route',
  ) {
    this.contacts = new ContactCache(contactCache);
  }

  async handle(conn: AppConnection, msgId: string, tokens: string[], sipText: string): Promise<void> {
    const [txnId = '', dialogId = '', routeUri = ''] = tokens;
    try {
      let msg: AnySipMessage;
      try {
        msg = parseAppMessage(sipText);
      } catch {
        throw new Nok('Server error: invalid or missing method supplied on start line');
      }
      if (msg.kind === 'response') this.respond(conn, msgId, txnId, msg);
      else if (dialogId) await (msg.method === 'ACK' ? this.ack(conn, msgId, dialogId, msg) : this.inDialog(conn, msgId, dialogId, msg));
      else if (txnId && msg.method === 'CANCEL') this.cancel(conn, msgId, txnId, msg);
      else if (txnId) throw new Nok(`Server error: a ${msg.method} cannot be sent with a transaction id`);
      else await this.newRequest(conn, msgId, msg, routeUri);
    } catch (err) {
      const reason = err instanceof Nok ? err.message : `Server error: ${(err as Error).message}`;
      if (!(err instanceof Nok)) this.core.log.warn({ err }, 'app sip command failed');
      conn.reply(msgId, `NOK|${reason.replace(/[|\r\n]/g, ' ')}`);
    }
  }

  /** (b) a response to a request we delivered to the app. */
  private respond(conn: AppConnection, msgId: string, txnId: string, appRes: SipResponse): void {
    const core = this.core;
    const rec = core.inbound.get(txnId);
    if (!rec || rec.txn.finalStatus !== undefined) throw new Nok('Response not sent due to unknown transaction');
    const req = rec.txn.request;
    const status = appRes.status;
    const initialInvite = req.method === 'INVITE' && !rec.dialog;
    // RFC 3262: a provisional goes reliably when the app asks (Require: 100rel, as with drachtio-server)
    // or the INVITE requires it; the caller must have said it supports 100rel
    const reliable = initialInvite && status > 100 && status < 200 && (hasOption(appRes, '100rel', ['require']) || hasOption(req, '100rel', ['require']));
    if (reliable && !hasOption(req, '100rel')) throw new Nok('Remote endpoint does not support 100rel');
    if (status > 100) rec.toTag ??= tagOf(appRes.get('to')) ?? newTag();
    const res = makeResponse(req, status, status > 100 ? rec.toTag : undefined, appRes.reason || undefined);
    const hostport = this.hostport(rec.txn.source.protocol);
    for (const [k, v] of appRes.headers) {
      if (RESPONSE_FIXED.has(k)) continue;
      // drachtio-srf joins repeated headers with commas; challenges must stay one per line
      const values = k === 'www-authenticate' || k === 'proxy-authenticate' ? v.split(/,\s*(?=Digest\s)/i) : [v];
      for (const value of values) res.headers.push([k, rewriteLocalhost(value, hostport)]);
    }
    const createsDialog = (req.method === 'INVITE' || req.method === 'SUBSCRIBE') && status > 100 && status < 300;
    if (createsDialog && !res.has('contact')) res.append('Contact', `<${core.transport.contactFor(rec.txn.source.protocol)}>`);
    if (reliable && !hasOption(res, '100rel', ['require'])) res.append('Require', '100rel');
    this.setBody(res, appRes, false);

    let dialogId = rec.dialog?.id ?? '';
    let dialog = rec.dialog;
    if (initialInvite && status > 100 && status < 200) {
      // the early dialog (RFC 3261 §12.1.1): PRACK and UPDATE from the caller arrive in it
      rec.early ??= core.addEarly(rec, this.uasDialog(conn, rec.txn.source, req, res, rec.toTag!));
      dialogId = rec.early.id;
    }
    if (req.method === 'INVITE' && status >= 200) {
      rec.reliable?.stop();
      if (dialog) dialog.incomingInvitePending = false;
      else if (status < 300) {
        dialog = rec.early ? core.confirmEarly(rec) : this.uasDialog(conn, rec.txn.source, req, res, rec.toTag!);
        dialogId = dialog.id;
      }
    }
    if (req.method === 'SUBSCRIBE' && !dialog && status >= 200 && status < 300) {
      // the subscription's dialog (RFC 6665 §4.1.2.1): NOTIFYs go out in it, SUBSCRIBE refreshes come in it
      dialog = this.uasDialog(conn, rec.txn.source, req, res, rec.toTag!);
      dialogId = dialog.id;
    }
    if (dialog && req.method === 'SUBSCRIBE' && status >= 200 && status < 300) core.armSubscription(dialog, subscriptionExpires(res, req));
    if (dialog && status >= 200 && status < 300 && endsSubscription(req) && core.isSubscription(dialog)) core.endDialog(dialog);
    if (req.method === 'INVITE' && status >= 200 && status < 300 && dialog) {
      if (res.body.length > 0) {
        dialog.localBody = res.body;
        dialog.localContentType = res.get('content-type');
      }
      if (status === 200) core.uasSessionTimer(req, res, dialog);
    }
    if (req.method === 'REGISTER' && status >= 200 && status < 300) this.learnContacts(req, res, rec.txn.source);
    const dest = core.transport.responseDestination(res, rec.txn.source);
    if (reliable) {
      rec.reliable ??= core.reliableFor(rec);
      rec.reliable.stamp(res);
      conn.reply(msgId, sentReply(res, dest, txnId, dialogId));
      rec.reliable.send(res, (r) => {
        if (rec.txn.finalStatus !== undefined) return undefined;
        rec.txn.respond(r);
        return { bytes: r.toBuffer(), dest };
      });
      return;
    }
    conn.reply(msgId, sentReply(res, dest, txnId, dialogId));
    rec.txn.respond(res);
    if (status >= 200) core.untrack(rec);
    if (req.method === 'INVITE' && status >= 200 && status < 300 && dialog) core.retransmit2xx(dialog, res.toBuffer(), dest);
  }

  /** A REGISTER over a WebSocket answered 2xx: its contacts are reached over that connection. */
  private learnContacts(req: SipRequest, res: SipResponse, source: Source): void {
    if (source.protocol !== 'ws' && source.protocol !== 'wss') return;
    try {
      const contacts = res.getAll('contact').map(parseNameAddr).map((na) => {
        const e = na.params.get('expires');
        return e ? { uri: na.uri, expires: Number(e) } : { uri: na.uri };
      });
      const expiresHeader = res.get('expires');
      const requested = req.getAll('contact').map((c) => parseNameAddr(c).uri).filter((u) => u !== '*');
      this.contacts.registered(requested, { contacts, ...(expiresHeader ? { expires: Number(expiresHeader) } : {}) }, source);
    } catch (err) {
      this.core.log.info({ err }, 'REGISTER 200 with an unreadable Contact: contact cache unchanged');
    }
  }

  private uasDialog(conn: AppConnection, source: Source, req: SipRequest, res: SipResponse, toTag: string): Dialog {
    const fromTag = tagOf(req.get('from')) ?? '';
    const contact = req.get('contact');
    const d = new Dialog(
      `${req.callId};from-tag=${fromTag}`, 'uas', req.callId, toTag, fromTag,
      withoutTag(req.get('to')!), withoutTag(req.get('from')!),
      contact ? parseNameAddr(contact).uri : parseNameAddr(req.get('from')!).uri,
      req.getAll('record-route'),
      parseNameAddr(res.get('contact')!).uri, source, conn.id,
      Math.floor(Math.random() * 10000), req.cseq.seq,
    );
    this.core.dialogs.add(d);
    return d;
  }

  /** (c) the ACK for a 2xx to an INVITE the app sent. */
  private async ack(conn: AppConnection, msgId: string, dialogId: string, appAck: SipRequest): Promise<void> {
    const core = this.core;
    const d = core.dialogs.get(dialogId);
    if (!d || d.lastInviteSeq === 0) throw new Nok('Server error: ACK for non-success final response is automatically generated by server');
    const ack = d.createRequest('ACK', d.lastInviteSeq);
    this.copyHeaders(ack, appAck, DIALOG_FIXED, d.flow.protocol);
    this.setBody(ack, appAck, true);
    const dest = await core.dialogDestination(d);
    ack.prepend('Via', core.transport.viaFor(dest.protocol, newBranch()));
    const bytes = ack.toBuffer();
    d.lastAck = { seq: d.lastInviteSeq, bytes, dest };
    d.answerOwedInAck = false;
    conn.reply(msgId, sentReply(ack, dest, newTxnId(), d.id));
    core.transport.sendBytes(bytes, dest);
  }

  /** (d) a request inside a dialog (BYE, re-INVITE, INFO, REFER…). */
  private async inDialog(conn: AppConnection, msgId: string, dialogId: string, appReq: SipRequest): Promise<void> {
    const core = this.core;
    const d = core.dialogs.get(dialogId);
    if (!d) throw new Nok('Server error: unable to find dialog for dialog id provided');
    if (appReq.method === 'INVITE') {
      if (d.outgoingInvitePending || d.incomingInvitePending) throw new Nok('Server error: an INVITE is already in progress in this dialog');
      d.outgoingInvitePending = true;
    }
    const req = d.createRequest(appReq.method);
    if (appReq.method === 'INVITE') d.lastInviteSeq = d.localSeq;
    if ((appReq.method === 'INVITE' || appReq.method === 'UPDATE') && appReq.body.length > 0) {
      d.localBody = appReq.body;
      d.localContentType = appReq.get('content-type');
    }
    // a PRACK goes to the target the reliable provisional gave (RFC 3262 §7.1), whatever URI the app wrote
    if (!appReq.uri.includes('placeholder') && appReq.method !== 'PRACK') req.uri = appReq.uri;
    this.copyHeaders(req, appReq, DIALOG_FIXED, d.flow.protocol);
    if (NEEDS_CONTACT.has(req.method) && !req.has('contact')) req.append('Contact', `<${d.localContact}>`);
    this.setBody(req, appReq, true);
    const gone = this.deadFlow === 'gone' && (d.flow.protocol === 'ws' || d.flow.protocol === 'wss') && !core.transport.openFlow(d.flow);
    const dest = gone ? { protocol: d.flow.protocol, address: d.flow.address, port: d.flow.port } : await core.dialogDestination(d);
    req.prepend('Via', core.transport.viaFor(dest.protocol, newBranch()));
    if (req.method === 'BYE') core.endDialog(d);
    this.send(conn, msgId, req, dest, { dialog: d, uacDialogId: undefined }, gone);
  }

  /** (e) CANCEL of an INVITE the app sent. */
  private cancel(conn: AppConnection, msgId: string, txnId: string, appCancel: SipRequest): void {
    const core = this.core;
    const rec = core.outbound.get(txnId);
    if (!rec || rec.request.method !== 'INVITE' || rec.dialog) throw new Nok(`unable to cancel unknown transaction id: ${txnId}`);
    if (rec.final) throw new Nok(`unable to cancel transaction ${txnId}: it has a final response`);
    const cancel = buildCancel(rec.request);
    this.copyHeaders(cancel, appCancel, CANCEL_FIXED, rec.dest.protocol);
    conn.reply(msgId, sentReply(cancel, rec.dest, newTxnId(), ''));
    if (rec.txn && 'provisionalReceived' in rec.txn && rec.txn.provisionalReceived) this.sendCancel(cancel, rec.dest);
    else rec.pendingCancel = cancel;
  }

  sendCancel(cancel: SipRequest, dest: Endpoint): void {
    this.core.transactions.sendRequest(cancel, dest, { onResponse: () => undefined });
  }

  /** (a) a new request outside any dialog (createUAC, srf.request). */
  private async newRequest(conn: AppConnection, msgId: string, appReq: SipRequest, routeUri: string): Promise<void> {
    const core = this.core;
    let dest: Endpoint;
    // a registered WebSocket contact goes over its connection (drachtio-server: even when the app names a route)
    const cached = routeUri && this.contactCache === 'registered' ? undefined : this.contacts.route(appReq.uri);
    let gone = false;
    if (cached) {
      const open = core.transport.openFlow(cached);
      gone = !open && this.deadFlow === 'gone';
      if (!open && !gone) throw new Nok(`no route: the ${cached.protocol} connection ${cached.address}:${cached.port} of ${appReq.uri} has closed`);
      dest = open ?? { protocol: cached.protocol, address: cached.address, port: cached.port };
    } else {
      try {
        dest = await core.transport.resolve(routeUri || appReq.uri);
      } catch (err) {
        throw new Nok(`invalid request-uri: ${appReq.uri} (${(err as Error).message})`);
      }
    }
    if (!core.transport.has(dest.protocol)) throw new Nok('requested protocol/transport not available');
    if (this.isSelf(dest)) throw new Nok('can not send request to myself');
    const hostport = this.hostport(dest.protocol);
    const contact = core.transport.contactFor(dest.protocol);
    const req = new SipRequest(appReq.method, appReq.uri);
    req.append('Via', core.transport.viaFor(dest.protocol, newBranch()));
    for (const r of appReq.getAll('route')) req.append('Route', r);
    const from = rewriteLocalhost(appReq.get('from') ?? `<${contact}>`, hostport);
    req.append('From', tagOf(from) ? from : `${from};tag=${newTag()}`);
    req.append('To', appReq.get('to') ? rewriteLocalhost(appReq.get('to')!, hostport) : `<${appReq.uri}>`);
    req.append('Call-ID', appReq.get('call-id') ?? newCallId());
    const cseq = appReq.cseq;
    req.append('CSeq', Number.isInteger(cseq.seq) && cseq.method === appReq.method ? `${cseq.seq} ${appReq.method}` : `1 ${appReq.method}`);
    req.append('Max-Forwards', appReq.get('max-forwards') ?? '70');
    if (appReq.get('contact')) req.append('Contact', rewriteLocalhost(appReq.get('contact')!, hostport));
    else if (req.method === 'INVITE' || req.method === 'SUBSCRIBE') req.append('Contact', `<${contact}>`);
    const fixed = new Set([...ENGINE_HEADERS, 'route', 'from', 'to', 'call-id', 'cseq', 'max-forwards', 'contact']);
    this.copyHeaders(req, appReq, fixed, dest.protocol);
    this.setBody(req, appReq, true);
    const uacDialogId = req.method === 'INVITE' || req.method === 'SUBSCRIBE' ? `${req.callId};from-tag=${tagOf(req.get('from'))}` : undefined;
    this.send(conn, msgId, req, dest, { dialog: undefined, uacDialogId }, gone);
  }

  /** Replies OK with the request as sent, then starts its client transaction (in that order, so the app knows the txnId first). */
  private send(conn: AppConnection, msgId: string, req: SipRequest, dest: Endpoint, where: Pick<OutboundRecord, 'dialog' | 'uacDialogId'>, gone = false): void {
    const core = this.core;
    const rec: OutboundRecord = {
      txnId: newTxnId(), txn: undefined, conn: conn.id, request: req, dest,
      dialog: where.dialog, uacDialogId: where.uacDialogId, created: undefined, early: undefined, lastRSeq: undefined, pendingCancel: undefined, final: false,
    };
    core.outbound.set(rec.txnId, rec);
    conn.reply(msgId, sentReply(req, dest, rec.txnId, where.dialog?.id ?? ''));
    if (gone) {
      // the peer's connection has closed: nothing goes out, the app gets the 410 drachtio-server gives
      this.onResponse(rec, makeResponse(req, 410, newTag(), 'Gone'), undefined);
      return;
    }
    rec.txn = core.transactions.sendRequest(req, dest, { onResponse: (res, source) => this.onResponse(rec, res, source) });
  }

  private onResponse(rec: OutboundRecord, res: SipResponse, source: Source | undefined): void {
    const core = this.core;
    const status = res.status;
    const isInvite = rec.request.method === 'INVITE';
    if (isInvite && status < 200 && rec.pendingCancel) {
      this.sendCancel(rec.pendingCancel, rec.dest);
      rec.pendingCancel = undefined;
    }
    if (isInvite && !rec.dialog && status > 100 && status < 200 && !this.onUacProvisional(rec, res)) return;
    if (isInvite && status >= 200 && status < 300) {
      const d = rec.dialog ?? rec.created;
      if (rec.final && d) {
        // a 2xx retransmission: ACK it again if the app has ACKed, otherwise the app already has it
        if (d.lastAck?.seq === res.cseq.seq) core.transport.sendBytes(d.lastAck.bytes, d.lastAck.dest);
        return;
      }
      if (rec.dialog) {
        rec.dialog.outgoingInvitePending = false;
        core.uacSessionTimer(res, rec.dialog);
      } else {
        const early = rec.early;
        if (early) core.dialogs.delete(early);
        rec.created = this.uacDialog(rec, res);
        // requests sent in the early dialog (PRACK) used CSeq numbers the dialog goes on from
        if (early) rec.created.localSeq = Math.max(rec.created.localSeq, early.localSeq);
        rec.early = undefined;
        if (rec.request.body.length > 0) {
          rec.created.localBody = rec.request.body;
          rec.created.localContentType = rec.request.get('content-type');
        }
        core.uacSessionTimer(res, rec.created);
      }
      rec.pendingCancel = undefined;
      const created = rec.dialog ?? rec.created;
      if (created) created.answerOwedInAck = rec.request.body.length === 0 && res.body.length > 0;
    } else if (rec.request.method === 'SUBSCRIBE' && status >= 200 && status < 300) {
      const d = rec.dialog ?? (rec.created ??= this.uacDialog(rec, res)); // the subscription's dialog; NOTIFYs arrive in it
      core.armSubscription(d, subscriptionExpires(res, rec.request));
    } else if (rec.dialog && status >= 200 && status < 300 && endsSubscription(rec.request) && core.isSubscription(rec.dialog)) {
      core.endDialog(rec.dialog); // our NOTIFY ending the subscription was answered
    } else if (isInvite && status >= 300 && rec.dialog) {
      rec.dialog.outgoingInvitePending = false;
    } else if (isInvite && status >= 300 && rec.early) {
      core.dialogs.delete(rec.early);
      rec.early = undefined;
    }
    const dialogId = rec.dialog?.id ?? rec.created?.id ?? rec.uacDialogId ?? '';
    if (status >= 200) {
      rec.final = true;
      // keep INVITE records while 2xx retransmissions may still come (timer M); others are done
      if (isInvite && status < 300) rec.expiry ??= core.transactions.clock.setTimeout(() => core.outbound.delete(rec.txnId), 64 * core.transactions.timers.T1);
      else core.outbound.delete(rec.txnId);
    }
    const conn = core.apps.get(rec.conn);
    conn?.send(sipEvent('network', res, source ?? rec.dest, rec.txnId, dialogId));
  }

  /**
   * A provisional response to an INVITE the app sent. One with a To tag opens the early dialog
   * (the app's PRACK goes in it, the callee's UPDATE arrives in it); retransmissions of a reliable
   * one (RSeq, RFC 3262 §4) are absorbed (returns false).
   */
  private onUacProvisional(rec: OutboundRecord, res: SipResponse): boolean {
    const toTag = tagOf(res.get('to'));
    if (!toTag) return true;
    const rseq = rseqOf(res);
    if (rec.early?.remoteTag === toTag) {
      if (rseq !== undefined && rec.lastRSeq !== undefined && rseq <= rec.lastRSeq) return false;
    } else {
      if (rec.early) this.core.dialogs.delete(rec.early);
      rec.early = this.uacDialog(rec, res);
      rec.lastRSeq = undefined;
    }
    if (rseq !== undefined) rec.lastRSeq = rseq;
    return true;
  }

  private uacDialog(rec: OutboundRecord, res: SipResponse): Dialog {
    const req = rec.request;
    const contact = res.get('contact');
    const d = new Dialog(
      rec.uacDialogId!, 'uac', req.callId, tagOf(req.get('from')) ?? '', tagOf(res.get('to')) ?? '',
      withoutTag(req.get('from')!), withoutTag(res.get('to')!),
      contact ? parseNameAddr(contact).uri : req.uri,
      res.getAll('record-route').reverse(),
      parseNameAddr(req.get('contact') ?? `<${this.core.transport.contactFor(rec.dest.protocol)}>`).uri,
      rec.dest, rec.conn, req.cseq.seq, undefined,
    );
    this.core.dialogs.add(d);
    return d;
  }

  private copyHeaders(target: SipRequest, from: SipRequest, skip: Set<string>, protocol: Endpoint['protocol']): void {
    const hostport = this.hostport(protocol);
    for (const [k, v] of from.headers) {
      if (skip.has(k)) continue;
      if (k === 'max-forwards' || k === 'contact') target.set(k, rewriteLocalhost(v, hostport));
      else target.headers.push([k, rewriteLocalhost(v, hostport)]);
    }
  }

  /** Copies the body; a body without Content-Type is SDP if it looks like SDP, otherwise refused for requests. */
  private setBody(target: AnySipMessage, from: AnySipMessage, isRequest: boolean): void {
    target.body = from.body;
    if (from.body.length === 0 || target.has('content-type')) return;
    if (from.body.subarray(0, 3).toString() === 'v=0') target.append('Content-Type', 'application/sdp');
    else if (isRequest) throw new Nok('Server error: a body was supplied without a Content-Type (missing content-type)');
  }

  private hostport(protocol: Endpoint['protocol']): string {
    const c = this.core.transport.contactFor(protocol);
    return c.slice(4).split(';')[0]!;
  }

  private isSelf(dest: Endpoint): boolean {
    return this.core.transport.listening().some((l) => l.protocol === dest.protocol && l.port === dest.port && (l.address === dest.address || l.address === '0.0.0.0' || l.address === '::'));
  }
}

/** A subscription's lifetime: the 2xx's Expires, else the SUBSCRIBE's, else an hour (RFC 6665 leaves the default to the package). */
function subscriptionExpires(res: SipResponse, req: SipRequest): number {
  const value = Number(res.get('expires') ?? req.get('expires') ?? '3600');
  return Number.isFinite(value) ? value : 3600;
}

/** A NOTIFY saying `Subscription-State: terminated` ends a subscription's dialog once answered 2xx. */
function endsSubscription(req: SipRequest): boolean {
  return req.method === 'NOTIFY' && /^\s*terminated/i.test(req.get('subscription-state') ?? '');
}

/** A From/To value without its tag, in angle brackets (the dialog's local or remote URI). */
function withoutTag(value: string): string {
  const na = parseNameAddr(value);
  na.params.delete('tag');
  return formatNameAddr({ ...na, angle: true });
}
