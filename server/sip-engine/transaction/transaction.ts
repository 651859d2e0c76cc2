import type { SipRequest, SipResponse } from '../message/message';
import type { Endpoint, Source } from '../transport/types';
import type { Clock, TimerValues } from './clock';

/** What a transaction needs from the layers around it. */
export interface TransactionContext {
  clock: Clock;
  timers: TimerValues;
  send(bytes: Buffer, dest: Endpoint, onError?: (err: Error) => void): void;
  responseDestination(res: SipResponse, source: Source): Endpoint;
  /** Called once when the transaction reaches Terminated, so the layer forgets it. */
  terminated(key: string): void;
  /** Told of each request and response a transaction sends (not retransmissions). */
  sent?(msg: SipRequest | SipResponse): void;
}

/** Timers owned by one transaction; all cleared when it terminates. */
export class TimerSet {
  private readonly handles = new Map<string, unknown>();
  constructor(private readonly clock: Clock) {}

  start(name: string, ms: number, fn: () => void): void {
    this.stop(name);
    this.handles.set(name, this.clock.setTimeout(() => {
      this.handles.delete(name);
      fn();
    }, ms));
  }

  stop(name: string): void {
    const h = this.handles.get(name);
    if (h !== undefined) {
      this.clock.clearTimeout(h);
      this.handles.delete(name);
    }
  }

  clear(): void {
    for (const h of this.handles.values()) this.clock.clearTimeout(h);
    this.handles.clear();
  }

  has(name: string): boolean {
    return this.handles.has(name);
  }
}

/** Applies a state change if the transition table allows it; an illegal one is a bug and throws. */
export function transition<S extends string>(table: Record<S, readonly S[]>, from: S, to: S, what: string): S {
  if (!table[from].includes(to)) throw new Error(`${what}: illegal transition ${from} → ${to}`);
  return to;
}

export interface ClientTransactionUser {
  /** Every response the transaction passes up, including a synthesised 408 (timeout) or 503 (transport error). */
  onResponse(res: SipResponse, source: Source | undefined): void;
}

export interface ServerTransactionLike {
  readonly key: string;
  readonly request: SipRequest;
  readonly source: Source;
  readonly finalStatus: number | undefined;
  respond(res: SipResponse): void;
}
