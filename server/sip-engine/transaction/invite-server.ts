import type { SipRequest, SipResponse } from '../message/message';
import { isReliable } from '../transport/types';
import { transition } from './transaction';
import { ServerTransactionBase } from './server-transaction';

type State = 'proceeding' | 'accepted' | 'completed' | 'confirmed' | 'terminated';
const TABLE: Record<State, readonly State[]> = {
  proceeding: ['accepted', 'completed', 'terminated'],
  accepted: ['terminated'],
  completed: ['confirmed', 'terminated'],
  confirmed: ['terminated'],
  terminated: [],
};

/**
 * INVITE server transaction (RFC 3261 §17.2.1 with RFC 6026): provisional responses are re-sent on
 * request retransmissions; a non-2xx final is retransmitted by timer G until the ACK (timer H gives
 * up); after a 2xx the transaction only absorbs retransmissions for timer L — retransmitting the
 * 2xx itself is the dialog's job.
 */
export class InviteServerTransaction extends ServerTransactionBase<State> {
  state: State = 'proceeding';

  /** A retransmitted INVITE, or the ACK for a non-2xx final response. */
  receive(req: SipRequest): void {
    if (req.method === 'ACK') {
      if (this.state === 'completed') {
        this.timers.clear();
        this.state = transition(TABLE, this.state, 'confirmed', 'INVITE server');
        this.timers.start('I', isReliable(this.source.protocol) ? 0 : this.ctx.timers.T4, () => this.terminate());
      }
      return;
    }
    if (this.state === 'proceeding' || this.state === 'completed') this.resendLast();
  }

  respond(res: SipResponse): void {
    if (this.state !== 'proceeding') throw new Error(`INVITE server transaction: cannot send ${res.status} in state ${this.state}`);
    this.sendResponse(res);
    if (res.status < 200) return;
    const { T1, T2 } = this.ctx.timers;
    if (res.status < 300) {
      this.state = transition(TABLE, this.state, 'accepted', 'INVITE server');
      this.timers.start('L', 64 * T1, () => this.terminate());
      return;
    }
    this.state = transition(TABLE, this.state, 'completed', 'INVITE server');
    if (!isReliable(this.source.protocol)) {
      const retransmit = (interval: number) =>
        this.timers.start('G', interval, () => {
          if (this.state !== 'completed') return;
          this.resendLast();
          retransmit(Math.min(interval * 2, T2));
        });
      retransmit(T1);
    }
    this.timers.start('H', 64 * T1, () => this.terminate());
  }
}
