import { makeResponse, type SipRequest, type SipResponse } from '../message/message';
import { tagOf } from '../message/name-addr';
import { BRANCH_COOKIE } from '../message/via';
import type { Endpoint, Source } from '../transport/types';
import { DEFAULT_TIMERS, systemClock, type Clock, type TimerValues } from './clock';
import { InviteClientTransaction } from './invite-client';
import { InviteServerTransaction } from './invite-server';
import { NonInviteClientTransaction } from './non-invite-client';
import { NonInviteServerTransaction } from './non-invite-server';
import type { ClientTransactionUser, TransactionContext } from './transaction';

export type ServerTransaction = InviteServerTransaction | NonInviteServerTransaction;
export type ClientTransaction = InviteClientTransaction | NonInviteClientTransaction;

/** The transaction user: what the layer above (the drachtio core) is told. */
export interface TransactionLayerUser {
  /** A new request (not a retransmission, not an ACK for a non-2xx response). */
  onRequest(txn: ServerTransaction): void;
  /** An ACK matching no transaction: the ACK for a 2xx, which belongs to a dialog. */
  onAck(ack: SipRequest, source: Source): void;
  /** A response matching no client transaction (e.g. a late 2xx retransmission). */
  onStrayResponse(res: SipResponse, source: Source): void;
}

export interface TransactionLayerOptions {
  clock?: Clock;
  timers?: Partial<TimerValues>;
  /** Send 100 Trying as soon as an INVITE arrives (drachtio-server does). Default true. */
  autoTrying?: boolean;
  /** Told of each request and response the transactions send (first sends only). */
  sent?: (msg: SipRequest | SipResponse) => void;
}

export interface TransactionLayerIo {
  sendBytes(bytes: Buffer, dest: Endpoint, onError?: (err: Error) => void): void;
  responseDestination(res: SipResponse, source: Source): Endpoint;
}

/** Matches messages to transactions (RFC 3261 §17.1.3, §17.2.3) and creates server transactions. */
export class TransactionLayer {
  private readonly servers = new Map<string, ServerTransaction>();
  private readonly clients = new Map<string, ClientTransaction>();
  private readonly ctxServer: TransactionContext;
  private readonly ctxClient: TransactionContext;
  private readonly autoTrying: boolean;

  constructor(io: TransactionLayerIo, private readonly user: TransactionLayerUser, options: TransactionLayerOptions = {}) {
    const base = {
      clock: options.clock ?? systemClock,
      timers: { ...DEFAULT_TIMERS, ...options.timers },
      send: (bytes: Buffer, dest: Endpoint, onError?: (err: Error) => void) => io.sendBytes(bytes, dest, onError),
      responseDestination: (res: SipResponse, source: Source) => io.responseDestination(res, source),
      sent: options.sent,
    };
    this.ctxServer = { ...base, terminated: (key) => this.servers.delete(key) };
    this.ctxClient = { ...base, terminated: (key) => this.clients.delete(key) };
    this.autoTrying = options.autoTrying ?? true;
  }

  get timers(): TimerValues {
    return this.ctxServer.timers;
  }

  get clock(): Clock {
    return this.ctxServer.clock;
  }

  get counts(): { server: number; client: number } {
    return { server: this.servers.size, client: this.clients.size };
  }

  handleRequest(req: SipRequest, source: Source): void {
    const key = serverKey(req, req.method === 'ACK' ? 'INVITE' : req.method);
    const existing = this.servers.get(key);
    if (existing) {
      // an ACK for a 2xx carries a new branch, so a matching ACK here answers a non-2xx
      if (req.method !== 'ACK' || existing instanceof InviteServerTransaction) existing.receive(req);
      if (req.method !== 'ACK' || existing.state !== 'accepted') return;
    }
    if (req.method === 'ACK') {
      this.user.onAck(req, source);
      return;
    }
    const txn = req.method === 'INVITE'
      ? new InviteServerTransaction(key, req, source, this.ctxServer)
      : new NonInviteServerTransaction(key, req, source, this.ctxServer);
    this.servers.set(key, txn);
    if (req.method === 'INVITE' && this.autoTrying) txn.respond(makeResponse(req, 100));
    this.user.onRequest(txn);
  }

  handleResponse(res: SipResponse, source: Source): void {
    let key: string;
    try {
      key = clientKey(res.topVia().params.get('branch') ?? '', res.cseq.method);
    } catch {
      return;
    }
    const txn = this.clients.get(key);
    if (txn) txn.receive(res, source);
    else this.user.onStrayResponse(res, source);
  }

  /** Starts a client transaction; the request's top Via must carry a fresh branch. */
  sendRequest(req: SipRequest, dest: Endpoint, user: ClientTransactionUser): ClientTransaction {
    const key = clientKey(req.topVia().params.get('branch') ?? '', req.method);
    const txn = req.method === 'INVITE'
      ? new InviteClientTransaction(key, req, dest, this.ctxClient, user)
      : new NonInviteClientTransaction(key, req, dest, this.ctxClient, user);
    this.clients.set(key, txn);
    txn.start();
    return txn;
  }

  /** The INVITE server transaction a CANCEL refers to (same branch and sent-by, RFC 3261 §9.2). */
  findInviteFor(cancel: SipRequest): InviteServerTransaction | undefined {
    const txn = this.servers.get(serverKey(cancel, 'INVITE'));
    return txn instanceof InviteServerTransaction ? txn : undefined;
  }

  /** Stops every transaction (on shutdown). */
  clear(): void {
    for (const t of [...this.servers.values(), ...this.clients.values()]) t.terminate();
  }
}

function clientKey(branch: string, method: string): string {
  return `${branch}|${method === 'ACK' ? 'INVITE' : method}`;
}

function serverKey(req: SipRequest, method: string): string {
  const via = req.topVia();
  const branch = via.params.get('branch') ?? '';
  const sentBy = `${via.host}:${via.port ?? ''}`;
  if (branch.startsWith(BRANCH_COOKIE)) return `${branch}|${sentBy}|${method}`;
  // RFC 2543 peers: match on the request's identity instead of the branch
  return `${req.callId}|${tagOf(req.get('from')) ?? ''}|${req.cseq.seq}|${sentBy}|${method}`;
}
