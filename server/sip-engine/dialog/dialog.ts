import { SipRequest } from '../message/message';
import type { Endpoint } from '../transport/types';

export type DialogRole = 'uac' | 'uas';

/**
 * A confirmed INVITE dialog (RFC 3261 §12): the identifiers, sequence numbers, route set and
 * remote target needed to send requests inside it, and which app connection owns it.
 * The drachtio id is `<Call-ID>;from-tag=<From tag of the INVITE that created it>`.
 */
export class Dialog {
  /** CSeq of our last request in the dialog. */
  localSeq: number;
  /** CSeq of the peer's last request, once one has been received. */
  remoteSeq: number | undefined;
  /** An INVITE we sent in this dialog that has no final response yet (for glare, RFC 3261 §14.1). */
  outgoingInvitePending = false;
  /** An INVITE we received in this dialog that has no final response yet. */
  incomingInvitePending = false;
  /**
   * The 2xx to an INVITE we sent without SDP carried the peer's offer, and the app has not sent the
   * ACK with its answer yet: an offer from the peer meanwhile is answered 491 (RFC 6337 §4.3).
   */
  answerOwedInAck = false;
  /** The ACK we sent for the latest 2xx we received, re-sent on its retransmissions. */
  lastAck: { seq: number; bytes: Buffer; dest: Endpoint } | undefined;
  /** CSeq of the latest INVITE we sent here, whose 2xx the app will ACK. */
  lastInviteSeq: number;
  /** The session interval in force (RFC 4028), in seconds, and whether we refresh it. */
  sessionExpires: number | undefined;
  weRefresh: boolean | undefined;
  /** Our latest session description, offered again in a refreshing re-INVITE. */
  localBody: Buffer | undefined;
  localContentType: string | undefined;

  constructor(
    readonly id: string,
    readonly role: DialogRole,
    readonly callId: string,
    readonly localTag: string,
    readonly remoteTag: string,
    /** From (uac) or To (uas) of the initial request, without tag. */
    readonly localUri: string,
    readonly remoteUri: string,
    public remoteTarget: string,
    /** Route set in the order requests use it. */
    readonly routeSet: string[],
    readonly localContact: string,
    /** The transport flow to the peer (for connection-oriented transports, its connection). */
    public flow: Endpoint,
    /** The app connection that owns the dialog. */
    readonly owner: string,
    localSeq: number,
    remoteSeq: number | undefined,
  ) {
    this.localSeq = localSeq;
    this.remoteSeq = remoteSeq;
    this.lastInviteSeq = role === 'uac' ? localSeq : 0;
  }

  get tagKey(): string {
    return dialogTagKey(this.callId, this.localTag, this.remoteTag);
  }

  /** The next hop for a request: the first route (loose routing) or the remote target. */
  get nextHop(): string {
    const first = this.routeSet[0];
    if (!first) return this.remoteTarget;
    const m = /<([^>]+)>/.exec(first);
    return m ? m[1]! : first;
  }

  /** Builds a request inside the dialog (RFC 3261 §12.2.1.1); the caller adds Via, Contact and body. */
  createRequest(method: string, cseq?: number): SipRequest {
    const seq = cseq ?? ++this.localSeq;
    const req = new SipRequest(method, this.remoteTarget);
    for (const r of this.routeSet) req.append('Route', r);
    req.append('From', `${this.localUri};tag=${this.localTag}`);
    req.append('To', `${this.remoteUri};tag=${this.remoteTag}`);
    req.append('Call-ID', this.callId);
    req.append('CSeq', `${seq} ${method}`);
    req.append('Max-Forwards', '70');
    return req;
  }
}

export function dialogTagKey(callId: string, localTag: string, remoteTag: string): string {
  return `${callId}|${localTag}|${remoteTag}`;
}

/** The dialogs the engine holds, found by drachtio id or by (Call-ID, local tag, remote tag). */
export class DialogStore {
  private readonly byId = new Map<string, Dialog>();
  private readonly byTags = new Map<string, Dialog>();

  add(d: Dialog): void {
    this.byId.set(d.id, d);
    this.byTags.set(d.tagKey, d);
  }

  get(id: string): Dialog | undefined {
    return this.byId.get(id);
  }

  find(callId: string, localTag: string | undefined, remoteTag: string | undefined): Dialog | undefined {
    if (!localTag || !remoteTag) return undefined;
    return this.byTags.get(dialogTagKey(callId, localTag, remoteTag));
  }

  delete(d: Dialog): void {
    if (this.byId.get(d.id) === d) this.byId.delete(d.id);
    if (this.byTags.get(d.tagKey) === d) this.byTags.delete(d.tagKey);
  }

  all(): Dialog[] {
    return [...this.byId.values()];
  }

  ownedBy(owner: string): Dialog[] {
    return [...this.byId.values()].filter((d) => d.owner === owner);
  }

  get size(): number {
    return this.byId.size;
  }
}
