import type { SipRequest, SipResponse } from '../message/message';
import { isReliable, type Endpoint, type Source } from '../transport/types';
import { TimerSet, transition, type ServerTransactionLike, type TransactionContext } from './transaction';

type State = 'trying' | 'proceeding' | 'completed' | 'terminated';
const TABLE: Record<State, readonly State[]> = {
  trying: ['proceeding', 'completed', 'terminated'],
  proceeding: ['proceeding', 'completed', 'terminated'],
  completed: ['terminated'],
  terminated: [],
};

/** Non-INVITE server transaction (RFC 3261 §17.2.2): answers retransmissions with the last response; timer J lingers. */
export class NonInviteServerTransaction implements ServerTransactionLike {
  state: State = 'trying';
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

  receive(_req: SipRequest): void {
    if ((this.state === 'proceeding' || this.state === 'completed') && this.lastResponse && this.dest) {
      this.ctx.send(this.lastResponse, this.dest);
    }
  }

  respond(res: SipResponse): void {
    if (this.state === 'completed' || this.state === 'terminated') {
      throw new Error(`${this.request.method} server transaction: cannot send ${res.status} in state ${this.state}`);
    }
    this.dest = this.ctx.responseDestination(res, this.source);
    this.ctx.sent?.(res);
    this.lastResponse = res.toBuffer();
    this.ctx.send(this.lastResponse, this.dest);
    if (res.status < 200) {
      this.state = transition(TABLE, this.state, 'proceeding', 'non-INVITE server');
      return;
    }
    this.finalStatus = res.status;
    this.state = transition(TABLE, this.state, 'completed', 'non-INVITE server');
    this.timers.start('J', isReliable(this.source.protocol) ? 0 : 64 * this.ctx.timers.T1, () => this.terminate());
  }

  terminate(): void {
    if (this.state === 'terminated') return;
    this.timers.clear();
    this.state = 'terminated';
    this.ctx.terminated(this.key);
  }
}
