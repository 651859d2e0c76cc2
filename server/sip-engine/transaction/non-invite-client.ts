import { makeResponse, type SipResponse } from '../message/message';
import { isReliable, type Source } from '../transport/types';
import { transition } from './transaction';
import { ClientTransactionBase } from './client-transaction';

type State = 'trying' | 'proceeding' | 'completed' | 'terminated';
const TABLE: Record<State, readonly State[]> = {
  trying: ['proceeding', 'completed', 'terminated'],
  proceeding: ['proceeding', 'completed', 'terminated'],
  completed: ['terminated'],
  terminated: [],
};

/** Non-INVITE client transaction (RFC 3261 §17.1.2): timer E retransmits over UDP, F gives up, K lingers. */
export class NonInviteClientTransaction extends ClientTransactionBase<State> {
  state: State = 'trying';

  protected get waiting(): boolean {
    return this.state === 'trying' || this.state === 'proceeding';
  }

  start(): void {
    const { T1 } = this.ctx.timers;
    // timers first: a send that fails at once terminates the transaction, which clears them
    if (!isReliable(this.dest.protocol)) this.scheduleE(T1);
    this.timers.start('F', 64 * T1, () => {
      this.user.onResponse(makeResponse(this.request, 408), undefined);
      this.terminate();
    });
    this.firstTransmit();
  }

  receive(res: SipResponse, source: Source): void {
    if (this.state !== 'trying' && this.state !== 'proceeding') return;
    if (res.status < 200) {
      this.state = transition(TABLE, this.state, 'proceeding', 'non-INVITE client');
      this.user.onResponse(res, source);
      return;
    }
    this.timers.clear();
    this.state = transition(TABLE, this.state, 'completed', 'non-INVITE client');
    this.timers.start('K', isReliable(this.dest.protocol) ? 0 : this.ctx.timers.T4, () => this.terminate());
    this.user.onResponse(res, source);
  }

  private scheduleE(interval: number): void {
    this.timers.start('E', interval, () => {
      if (this.state !== 'trying' && this.state !== 'proceeding') return;
      this.transmit();
      const { T2 } = this.ctx.timers;
      this.scheduleE(this.state === 'proceeding' ? T2 : Math.min(interval * 2, T2));
    });
  }
}
