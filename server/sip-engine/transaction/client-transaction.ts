import { makeResponse, type SipRequest } from '../message/message';
import type { Endpoint } from '../transport/types';
import { TimerSet, type ClientTransactionUser, type TransactionContext } from './transaction';

/** What INVITE and non-INVITE client transactions share: sending, transport errors, termination. */
export abstract class ClientTransactionBase<State extends string> {
  abstract state: State;
  protected readonly timers: TimerSet;
  protected readonly bytes: Buffer;

  constructor(
    readonly key: string,
    readonly request: SipRequest,
    readonly dest: Endpoint,
    protected readonly ctx: TransactionContext,
    protected readonly user: ClientTransactionUser,
  ) {
    this.timers = new TimerSet(ctx.clock);
    this.bytes = request.toBuffer();
  }

  /** Whether the request still waits for its final response. */
  protected abstract get waiting(): boolean;

  /** The transport could not deliver the request: report 503 to the user (RFC 3261 §8.1.3.1). */
  transportError(): void {
    if (!this.waiting) return;
    this.user.onResponse(makeResponse(this.request, 503, undefined, 'Service Unavailable (transport error)'), undefined);
    this.terminate();
  }

  terminate(): void {
    if (this.state === 'terminated') return;
    this.timers.clear();
    this.state = 'terminated' as State;
    this.ctx.terminated(this.key);
  }

  /** The first send, counted; retransmissions use transmit(). */
  protected firstTransmit(): void {
    this.ctx.sent?.(this.request);
    this.transmit();
  }

  protected transmit(): void {
    this.ctx.send(this.bytes, this.dest, () => this.transportError());
  }
}
