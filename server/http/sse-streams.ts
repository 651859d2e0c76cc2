/**
 * The open Server-Sent Event streams of one kind (the operators' events, the supervisors' console):
 * the response headers, one heartbeat timer that also keeps each session alive and ends the streams
 * of a session that is gone, and ending streams by session or all at once.
 */
import type { Response } from 'express';

export interface SseStream {
  /** The session the stream belongs to. */
  token: string;
  res: Response;
}

export interface SseStreamsOptions {
  heartbeatMs: number;
  /** Is the session still alive (and keep it so)? false ends its streams. */
  keepAlive: (token: string) => boolean;
  /** Runs after every heartbeat. */
  onTick?: () => void;
}

export class SseStreams<S extends SseStream> implements Iterable<S> {
  private readonly streams = new Set<S>();
  private readonly heartbeat: NodeJS.Timeout;
  private closed = false;

  constructor(private readonly options: SseStreamsOptions) {
    this.heartbeat = setInterval(() => this.tick(), options.heartbeatMs);
    this.heartbeat.unref();
  }

  get size(): number {
    return this.streams.size;
  }

  [Symbol.iterator](): Iterator<S> {
    return this.streams[Symbol.iterator]();
  }

  /**
   * Answers `res` as an event stream asking the client to reconnect after `retryMs`; adds `stream`
   * until the client goes away. False (and the response ended) once closed.
   */
  open(res: Response, retryMs: number, stream: S): boolean {
    res.status(200);
    res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Connection', 'keep-alive');
    res.setHeader('X-Accel-Buffering', 'no');
    res.flushHeaders();
    res.write(`retry: ${retryMs}\n: connected\n\n`);
    if (this.closed) {
      res.end();
      return false;
    }
    this.streams.add(stream);
    res.on('close', () => this.streams.delete(stream));
    return true;
  }

  /** Writes one event to a stream; returns the bytes written. */
  write(stream: S, event: string, data: object): number {
    const text = `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
    stream.res.write(text);
    return text.length;
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
    clearInterval(this.heartbeat);
    for (const s of this.streams) s.res.end();
    this.streams.clear();
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
