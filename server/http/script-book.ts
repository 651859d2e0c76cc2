/**
 * Call scripts per queue: Markdown that admins write (`desk.scripts` in config, or
 * `PUT /api/scripts/:queue`), shown to the operator beside a call of that queue. Kept in memory:
 * a change through the API lasts until the server restarts (config is the durable source).
 */
import { AppError } from '../routing';

/** A script's Markdown is at most this long (config/schema.ts `MAX_SCRIPT_CHARS`). */
export const DEFAULT_MAX_SCRIPT_CHARS = 12_000;

export interface ScriptEntry {
  queue: string;
  markdown: string;
}

export interface ScriptBookOptions {
  /** Whether the queue is configured; scripts are only kept for configured queues. */
  hasQueue(queue: string): boolean;
  maxChars?: number;
  /** Told when a script over the limit is refused. */
  onLimit?: (limit: 'script-size') => void;
}

export class ScriptBook {
  private readonly scripts = new Map<string, string>();
  private readonly o: ScriptBookOptions;

  constructor(initial: readonly ScriptEntry[], options: ScriptBookOptions) {
    this.o = options;
    for (const s of initial) this.set(s.queue, s.markdown);
  }

  get maxChars(): number {
    return this.o.maxChars ?? DEFAULT_MAX_SCRIPT_CHARS;
  }

  /** The queue's script; ERR_UNKNOWN_QUEUE for a queue that is not configured, undefined when it has none. */
  get(queue: string): string | undefined {
    this.assertQueue(queue);
    return this.scripts.get(queue);
  }

  set(queue: string, markdown: string): void {
    this.assertQueue(queue);
    const text = markdown.trim();
    if (text.length === 0) throw new AppError('ERR_INVALID_INPUT', 'expected the script text (Markdown); delete the script to remove it');
    if (text.length > this.maxChars) {
      this.o.onLimit?.('script-size');
      throw new AppError('ERR_INVALID_INPUT', `a script is at most ${this.maxChars} characters (got ${text.length})`, { details: { limit: this.maxChars } });
    }
    this.scripts.set(queue, text);
  }

  /** True when there was a script. */
  delete(queue: string): boolean {
    this.assertQueue(queue);
    return this.scripts.delete(queue);
  }

  private assertQueue(queue: string): void {
    if (!this.o.hasQueue(queue)) throw new AppError('ERR_UNKNOWN_QUEUE', `no such queue: ${queue}`, { details: { queue } });
  }
}
