import type { SipRequest, SipResponse } from '../message/message';
import type { Endpoint, Source } from '../transport/types';
import { TimerSet, type ServerTransactionLike, type TransactionContext } from './transaction';

/** What INVITE and non-INVITE server transactions share: sending responses, re-sending the last one, termination. */
export abstract class ServerTransactionBase<State extends string> implements ServerTransactionLike {
  abstract state: State;
  finalStatus: number | undefined;
  protected readonly timers: TimerSet;
  private lastResponse: Buffer | undefined;
  private dest: Endpoint | undefined;

  constructor(
    readonly key: string,
    readonly request: SipRequest,
    readonly source: Source,
    protected readonly ctx: TransactionContext,
  ) {
    this.timers = new TimerSet(ctx.clock);
  }

  abstract respond(res: SipResponse): void;

  terminate(): void {
    if (this.state === 'terminated') return;
    this.timers.clear();
    this.state = 'terminated' as State;
    this.ctx.terminated(this.key);
  }

  /** Sends a response (counted) and keeps it for retransmissions. */
  protected sendResponse(res: SipResponse): void {
    this.dest = this.ctx.responseDestination(res, this.source);
    this.ctx.sent?.(res);
    this.lastResponse = res.toBuffer();
    this.ctx.send(this.lastResponse, this.dest);
    if (res.status >= 200) this.finalStatus = res.status;
  }

  /** Sends the last response again (for a retransmitted request, or timer G). */
  protected resendLast(): void {
    if (this.lastResponse && this.dest) this.ctx.send(this.lastResponse, this.dest);
  }
}
