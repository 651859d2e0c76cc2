/**
 * The supervisor console's event streams (Server-Sent Events). Any change (a routing event, a
 * call notice, an operator state from another instance) marks the console dirty; one flush at
 * most every `flushMs` builds the console once and sends each stream the rows of its scope that
 * changed since it last heard (`update`), or everything (`snapshot`) when it just connected. A
 * reconnecting page therefore gets a snapshot and then updates, in order: flushes run one at a time.
 */
import type { Response } from 'express';
import type { Viewer } from './access';
import { scopeModel, type ConsoleModel } from './console-model';
import { SseStreams } from './sse-streams';

type Section = 'queues' | 'operators' | 'calls';
const SECTIONS: readonly Section[] = ['queues', 'operators', 'calls'];
const keyOf = (section: Section, row: { id?: string; callId?: string }) => (section === 'calls' ? row.callId : row.id) as string;

interface ConsoleStream {
  token: string;
  viewer: Viewer;
  res: Response;
  /** Row JSON last sent, per section and id; undefined until the snapshot went out. */
  sent?: Record<Section, Map<string, string>>;
}

export interface ConsoleHubOptions {
  /** Coalescing window: changes within it go out in one message. */
  flushMs: number;
  heartbeatMs: number;
  build: () => Promise<ConsoleModel>;
  /** Is the session still alive (and keep it so)? false ends its streams. */
  keepAlive: (token: string) => boolean;
  onError: (err: unknown) => void;
  /** Messages written (a counter for the benchmark and ops). */
  onMessage?: (bytes: number) => void;
}

export const DEFAULT_CONSOLE_FLUSH_MS = 250;

export class ConsoleHub {
  private readonly streams: SseStreams<ConsoleStream>;
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private again = false;
  private closed = false;

  constructor(private readonly options: ConsoleHubOptions) {
    this.streams = new SseStreams({ heartbeatMs: options.heartbeatMs, keepAlive: options.keepAlive });
  }

  get size(): number {
    return this.streams.size;
  }

  /** Starts a stream; its snapshot goes out with the next flush (at once). */
  open(token: string, viewer: Viewer, res: Response): void {
    if (this.streams.open(res, 2000, { token, viewer, res })) this.changed(0);
  }

  /** Something the console shows may have changed. */
  changed(delayMs = this.options.flushMs): void {
    if (this.closed || this.streams.size === 0) return;
    if (this.flushing) {
      this.again = true;
      return;
    }
    if (this.timer && delayMs > 0) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flushing = this.flush().finally(() => {
        this.flushing = undefined;
        if (this.again) {
          this.again = false;
          this.changed();
        }
      });
    }, delayMs);
    this.timer.unref();
  }

  /** Ends the streams of a session (signed out or expired). */
  closeToken(token: string): void {
    this.streams.closeToken(token);
  }

  /** Ends every stream and the timers. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.timer);
    this.streams.close();
  }

  private async flush(): Promise<void> {
    let model: ConsoleModel;
    try {
      model = await this.options.build();
    } catch (err) {
      // the streams keep what they have; the next change tries again
      this.options.onError(err);
      return;
    }
    for (const stream of [...this.streams]) this.send(stream, scopeModel(model, stream.viewer));
  }

  private send(stream: ConsoleStream, model: ConsoleModel): void {
    if (!stream.sent) {
      stream.sent = { queues: new Map(), operators: new Map(), calls: new Map() };
      for (const section of SECTIONS) for (const row of model[section]) stream.sent[section].set(keyOf(section, row), JSON.stringify(row));
      this.write(stream, 'snapshot', model);
      return;
    }
    const update: Record<string, unknown> = { at: model.at };
    let any = false;
    for (const section of SECTIONS) {
      const sent = stream.sent[section];
      const changed: unknown[] = [];
      const seen = new Set<string>();
      for (const row of model[section]) {
        const key = keyOf(section, row);
        seen.add(key);
        const json = JSON.stringify(row);
        if (sent.get(key) === json) continue;
        sent.set(key, json);
        changed.push(row);
      }
      const removed = [...sent.keys()].filter((k) => !seen.has(k));
      for (const k of removed) sent.delete(k);
      if (changed.length) update[section] = changed;
      if (removed.length) update[`removed${section[0]!.toUpperCase()}${section.slice(1)}`] = removed;
      any ||= changed.length > 0 || removed.length > 0;
    }
    if (any) this.write(stream, 'update', update);
  }

  private write(stream: ConsoleStream, event: string, data: object): void {
    const bytes = this.streams.write(stream, event, data);
    this.options.onMessage?.(bytes);
  }
}
