import { parseCallNotice, parseOperatorState, type CallNotice, type OperatorState } from './contract';

export interface EventStreamDelegate {
  onOperatorState?(state: OperatorState): void;
  onCall?(notice: CallNotice): void;
  /** The stream is (re)connected. */
  onOpen?(): void;
  /** The connection dropped (EventSource retries by itself unless `closed` is true) or an event did not parse. */
  onError?(error: unknown, closed: boolean): void;
}

/** The part of `EventSource` this module needs; the browser's own class satisfies it. */
export interface EventSourceLike {
  /** 2 (CLOSED) once the browser gave up reconnecting. */
  readonly readyState: number;
  addEventListener(type: string, listener: (ev: Event) => void): void;
  close(): void;
}
export type EventSourceFactory = (url: string) => EventSourceLike;

/** Subscribes to `GET /api/events` (Server-Sent Events: `operator-state` and `call`). */
export class EventStream {
  private source: EventSourceLike | undefined;

  constructor(url: string, delegate: EventStreamDelegate, factory: EventSourceFactory = (u) => new EventSource(u)) {
    const source = factory(url);
    this.source = source;
    const handle = <T>(parse: (v: unknown) => T, deliver: ((v: T) => void) | undefined) => (ev: Event) => {
      try {
        deliver?.(parse(JSON.parse((ev as MessageEvent<string>).data)));
      } catch (error) {
        delegate.onError?.(error, false);
      }
    };
    source.addEventListener('operator-state', handle(parseOperatorState, (s) => delegate.onOperatorState?.(s)));
    source.addEventListener('call', handle(parseCallNotice, (c) => delegate.onCall?.(c)));
    source.addEventListener('open', () => delegate.onOpen?.());
    source.addEventListener('error', (ev) => delegate.onError?.(ev, source.readyState === 2));
  }

  get closed(): boolean {
    return this.source === undefined;
  }

  /** Idempotent. */
  close(): void {
    this.source?.close();
    this.source = undefined;
  }
}
