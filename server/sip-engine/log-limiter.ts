/**
 * Rate-limits log lines about bad or refused input: per key (kind and source address) at most
 * `perMinute` lines a minute; the rest are counted and the next line logged for that key carries
 * `suppressed: n`. A flood of bad messages costs a few lines a minute, not one per message.
 */
export interface LogLimiterOptions {
  /** Lines per key per minute. */
  perMinute: number;
  /** Keys remembered at most (the map is emptied when full, so memory stays bounded). Default 10,000. */
  maxKeys?: number;
  now?: () => number;
}

interface Window {
  start: number;
  logged: number;
  suppressed: number;
}

const MINUTE_MS = 60_000;

export class LogLimiter {
  private readonly windows = new Map<string, Window>();
  private readonly now: () => number;

  constructor(private readonly options: LogLimiterOptions) {
    this.now = options.now ?? Date.now;
  }

  /**
   * Undefined: drop this line (counted). Otherwise log it, with `suppressed` when lines of this key
   * were dropped since the last one logged.
   */
  admit(key: string): { suppressed?: number } | undefined {
    const now = this.now();
    let w = this.windows.get(key);
    if (!w || now - w.start >= MINUTE_MS) {
      const suppressed = w?.suppressed ?? 0;
      if (!w && this.windows.size >= (this.options.maxKeys ?? 10_000)) this.windows.clear();
      w = { start: now, logged: 0, suppressed: 0 };
      this.windows.set(key, w);
      if (suppressed > 0) {
        w.logged++;
        return { suppressed };
      }
    }
    if (w.logged >= this.options.perMinute) {
      w.suppressed++;
      return undefined;
    }
    w.logged++;
    return {};
  }
}
