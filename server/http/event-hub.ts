/**
 * The open event streams (Server-Sent Events). Each stream belongs to one session and gets the
 * events of that session's operator only. One timer writes a heartbeat comment to every stream,
 * which also keeps the session alive; a stream whose session is gone is ended.
 */
import type { Response } from 'express';
import type { StateJson } from './present';

interface Stream {
  token: string;
  operatorId: string;
  res: Response;
  /** The last operator state sent, to drop the same change arriving by two paths. */
  lastState?: string;
}

export interface EventHubOptions {
  heartbeatMs: number;
  /** Is the session still alive (and keep it so)? false ends its streams. */
  keepAlive: (token: string) => boolean;
  /** Runs on every heartbeat (session and limiter sweeps). */
  onTick?: () => void;
}

const stateKey = (s: StateJson) => `${s.status}|${s.reason ?? ''}|${s.since}|${s.wrapUpEndsAt ?? ''}`;

export class EventHub {
  private readonly streams = new Set<Stream>();
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly options: EventHubOptions) {
    this.timer = setInterval(() => this.tick(), options.heartbeatMs);
    this.timer.unref();
  }

  get size(): number {
    return this.streams.size;
  }

  /** Starts the stream on `res`; it is dropped when the client goes away. Returns a function that sends the initial state. */
  open(token: string, operatorId: string, res: Response): (state: StateJson) => void {
    res.status(200);
    res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Connection', 'keep-alive');
    res.setHeader('X-Accel-Buffering', 'no');
    res.flushHeaders();
    res.write(`retry: 3000\n: connected\n\n`);
    const stream: Stream = { token, operatorId, res };
    if (this.closed) {
      res.end();
      return () => undefined;
    }
    this.streams.add(stream);
    res.on('close', () => this.streams.delete(stream));
    // the snapshot may be older than an event that came in while it was read: then it is not sent
    return (state) => {
      if (stream.lastState === undefined) this.sendState(stream, state);
    };
  }

  /** An operator's state changed. */
  publishState(operatorId: string, state: StateJson): void {
    for (const s of this.streams) if (s.operatorId === operatorId) this.sendState(s, state);
  }

  /** A call event for an operator. */
  publishCall(operatorId: string, data: object): void {
    for (const s of this.streams) if (s.operatorId === operatorId) this.write(s, 'call', data);
  }

  /** Ends the streams of a session (signed out or expired). */
  closeToken(token: string): void {
    for (const s of [...this.streams]) {
      if (s.token !== token) continue;
      this.streams.delete(s);
      s.res.end();
    }
  }

  /** Ends every stream and the heartbeat. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    this.timer = undefined;
    for (const s of this.streams) s.res.end();
    this.streams.clear();
  }

  private sendState(stream: Stream, state: StateJson): void {
    const key = stateKey(state);
    if (stream.lastState === key) return;
    stream.lastState = key;
    this.write(stream, 'operator-state', state);
  }

  private write(stream: Stream, event: string, data: object): void {
    stream.res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  private tick(): void {
    const alive = new Map<string, boolean>();
    for (const s of [...this.streams]) {
      let ok = alive.get(s.token);
      if (ok === undefined) alive.set(s.token, (ok = this.options.keepAlive(s.token)));
      if (ok) s.res.write(': heartbeat\n\n');
      else this.closeToken(s.token);
    }
    this.options.onTick?.();
  }
}
