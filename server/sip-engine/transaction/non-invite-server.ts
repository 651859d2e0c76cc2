import type { SipRequest, SipResponse } from '../message/message';
import { isReliable } from '../transport/types';
import { transition } from './transaction';
import { ServerTransactionBase } from './server-transaction';

type State = 'trying' | 'proceeding' | 'completed' | 'terminated';
const TABLE: Record<State, readonly State[]> = {
  trying: ['proceeding', 'completed', 'terminated'],
  proceeding: ['proceeding', 'completed', 'terminated'],
  completed: ['terminated'],
  terminated: [],
};

/** Non-INVITE server transaction (RFC 3261 §17.2.2): answers retransmissions with the last response; timer J lingers. */
export class NonInviteServerTransaction extends ServerTransactionBase<State> {
  state: State = 'trying';

  receive(_req: SipRequest): void {
    if (this.state === 'proceeding' || this.state === 'completed') this.resendLast();
  }

  respond(res: SipResponse): void {
    if (this.state === 'completed' || this.state === 'terminated') {
      throw new Error(`${this.request.method} server transaction: cannot send ${res.status} in state ${this.state}`);
    }
    this.sendResponse(res);
    if (res.status < 200) {
      this.state = transition(TABLE, this.state, 'proceeding', 'non-INVITE server');
      return;
    }
    this.state = transition(TABLE, this.state, 'completed', 'non-INVITE server');
    this.timers.start('J', isReliable(this.source.protocol) ? 0 : 64 * this.ctx.timers.T1, () => this.terminate());
  }
}
