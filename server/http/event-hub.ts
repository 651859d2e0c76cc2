/**
 * The open event streams (Server-Sent Events). Each stream belongs to one session and gets the
 * events of that session's operator only. One timer writes a heartbeat comment to every stream,
 * which also keeps the session alive; a stream whose session is gone is ended.
 */
import type { Response } from 'express';
import type { StateJson } from './present';
import { SseStreams } from './sse-streams';

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
  private readonly streams: SseStreams<Stream>;

  constructor(options: EventHubOptions) {
    this.streams = new SseStreams(options);
  }

  get size(): number {
    return this.streams.size;
  }

  /** Starts the stream on `res`; it is dropped when the client goes away. Returns a function that sends the initial state. */
  open(token: string, operatorId: string, res: Response): (state: StateJson) => void {
    const stream: Stream = { token, operatorId, res };
    if (!this.streams.open(res, 3000, stream)) return () => undefined;
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
    this.streams.closeToken(token);
  }

  /** Ends every stream and the heartbeat. Idempotent. */
  close(): void {
    this.streams.close();
  }

  private sendState(stream: Stream, state: StateJson): void {
    const key = stateKey(state);
    if (stream.lastState === key) return;
    stream.lastState = key;
    this.write(stream, 'operator-state', state);
  }

  private write(stream: Stream, event: string, data: object): void {
    this.streams.write(stream, event, data);
  }
}
