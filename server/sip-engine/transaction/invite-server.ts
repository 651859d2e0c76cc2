import type { SipRequest, SipResponse } from '../message/message';
import { isReliable, type Endpoint, type Source } from '../transport/types';
import { TimerSet, transition, type ServerTransactionLike, type TransactionContext } from './transaction';

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
export class InviteServerTransaction implements ServerTransactionLike {
  state: State = 'proceeding';
  private readonly timers: TimerSet;
  private lastResponse: Buffer | undefined;
  private dest: Endpoint | undefined;
  finalStatus: number | undefined;

  constructor(
    readonly key: string,
    readonly request: SipRequest,
    readonly source: Source,
    private readonly ctx: TransactionContext,
  ) {
    this.timers = new TimerSet(ctx.clock);
  }

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
    if ((this.state === 'proceeding' || this.state === 'completed') && this.lastResponse && this.dest) {
      this.ctx.send(this.lastResponse, this.dest);
    }
  }

  respond(res: SipResponse): void {
    if (this.state !== 'proceeding') throw new Error(`INVITE server transaction: cannot send ${res.status} in state ${this.state}`);
    this.dest = this.ctx.responseDestination(res, this.source);
    this.ctx.sent?.(res);
    this.lastResponse = res.toBuffer();
    this.ctx.send(this.lastResponse, this.dest);
    if (res.status < 200) return;
    this.finalStatus = res.status;
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
          if (this.state !== 'completed' || !this.lastResponse || !this.dest) return;
          this.ctx.send(this.lastResponse, this.dest);
          retransmit(Math.min(interval * 2, T2));
        });
      retransmit(T1);
    }
    this.timers.start('H', 64 * T1, () => this.terminate());
  }

  terminate(): void {
    if (this.state === 'terminated') return;
    this.timers.clear();
    this.state = 'terminated';
    this.ctx.terminated(this.key);
  }
}
