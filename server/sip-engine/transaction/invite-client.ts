import { makeResponse, SipRequest, type SipResponse } from '../message/message';
import { isReliable, type Source } from '../transport/types';
import { transition } from './transaction';
import { ClientTransactionBase } from './client-transaction';

type State = 'calling' | 'proceeding' | 'accepted' | 'completed' | 'terminated';
const TABLE: Record<State, readonly State[]> = {
  calling: ['proceeding', 'accepted', 'completed', 'terminated'],
  proceeding: ['proceeding', 'accepted', 'completed', 'terminated'],
  accepted: ['terminated'],
  completed: ['terminated'],
  terminated: [],
};

/**
 * INVITE client transaction (RFC 3261 §17.1.1 with the Accepted state of RFC 6026):
 * timer A retransmits over UDP, timer B gives up, a non-2xx final is ACKed here and timer D absorbs
 * its retransmissions; 2xx responses (and their retransmissions, during timer M) go to the user,
 * which ACKs them end to end.
 */
export class InviteClientTransaction extends ClientTransactionBase<State> {
  state: State = 'calling';
  private ackBytes: Buffer | undefined;
  private lastStatus = 0;

  protected get waiting(): boolean {
    return this.state === 'calling' || this.state === 'proceeding';
  }

  start(): void {
    const { T1 } = this.ctx.timers;
    // timers first: a send that fails at once terminates the transaction, which clears them
    if (!isReliable(this.dest.protocol)) this.scheduleA(T1);
    this.timers.start('B', 64 * T1, () => this.timeout());
    this.firstTransmit();
  }

  /** Whether a provisional response has arrived (a CANCEL may be sent only then, RFC 3261 §9.1). */
  get provisionalReceived(): boolean {
    return this.lastStatus >= 100;
  }

  receive(res: SipResponse, source: Source): void {
    const status = res.status;
    switch (this.state) {
      case 'calling':
      case 'proceeding':
        this.lastStatus = status;
        if (status < 200) {
          this.timers.stop('A');
          this.timers.stop('B');
          this.state = transition(TABLE, this.state, 'proceeding', 'INVITE client');
          this.user.onResponse(res, source);
        } else if (status < 300) {
          this.timers.clear();
          this.state = transition(TABLE, this.state, 'accepted', 'INVITE client');
          this.timers.start('M', 64 * this.ctx.timers.T1, () => this.terminate());
          this.user.onResponse(res, source);
        } else {
          this.timers.clear();
          this.state = transition(TABLE, this.state, 'completed', 'INVITE client');
          this.sendAck(res);
          this.timers.start('D', isReliable(this.dest.protocol) ? 0 : 32000, () => this.terminate());
          this.user.onResponse(res, source);
        }
        break;
      case 'accepted':
        if (status >= 200 && status < 300) this.user.onResponse(res, source);
        break;
      case 'completed':
        if (status >= 300 && this.ackBytes) this.ctx.send(this.ackBytes, this.dest);
        break;
      case 'terminated':
        break;
    }
  }

  private scheduleA(interval: number): void {
    this.timers.start('A', interval, () => {
      if (this.state !== 'calling') return;
      this.transmit();
      this.scheduleA(interval * 2);
    });
  }

  private timeout(): void {
    if (this.state !== 'calling') return;
    this.user.onResponse(makeResponse(this.request, 408), undefined);
    this.terminate();
  }

  /** ACK for a non-2xx final response: same branch, Request-URI, From, Call-ID, CSeq number; To from the response (RFC 3261 §17.1.1.3). */
  private sendAck(res: SipResponse): void {
    const req = this.request;
    const ack = new SipRequest('ACK', req.uri);
    const via = req.getAll('via')[0];
    if (via) ack.append('Via', via);
    for (const r of req.getAll('route')) ack.append('Route', r);
    ack.append('From', req.get('from') ?? '');
    ack.append('To', res.get('to') ?? req.get('to') ?? '');
    ack.append('Call-ID', req.callId);
    ack.append('CSeq', `${req.cseq.seq} ACK`);
    ack.append('Max-Forwards', '70');
    this.ackBytes = ack.toBuffer();
    this.ctx.send(this.ackBytes, this.dest);
  }
}
