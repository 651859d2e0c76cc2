/**
 * Runs a callback every frame (20 ms) against a monotonic clock: tick n is due at
 * start + n × frame, so late wake-ups never shift later ticks (no drift accumulates). After a
 * stall it catches up at most `maxCatchUp` ticks and skips the rest (counted, and told to the
 * next tick so that RTP timestamps and jitter buffers can jump over the skipped time).
 */

/** Ticks run back to back after a stall before the rest are skipped (8 × 20 ms = 160 ms, as deep as the jitter buffer). */
export const DEFAULT_MAX_CATCH_UP_TICKS = 8;

export interface MixerClock {
  /** Milliseconds from an arbitrary origin, monotonic (performance.now()). */
  now(): number;
  /** Calls `callback` after about `delayMs`; returns a function that cancels it. */
  schedule(callback: () => void, delayMs: number): () => void;
}

/**
 * The real clock. A timer wakes the ticker and the tick itself runs in the following check
 * phase (setImmediate), after the event loop has read the sockets: packets that arrived during
 * a stall reach the jitter buffers before the catch-up ticks pull from them.
 */
export const systemClock: MixerClock = {
  now: () => performance.now(),
  schedule(callback, delayMs) {
    let immediate: NodeJS.Immediate | undefined;
    const timer = setTimeout(() => {
      immediate = setImmediate(callback);
    }, delayMs);
    return () => {
      clearTimeout(timer);
      if (immediate) clearImmediate(immediate);
    };
  },
};

export interface FrameTickerOptions {
  clock?: MixerClock;
  frameMs?: number;
  maxCatchUp?: number;
  /** Called when a tick throws (a bug): the ticker logs through it and keeps running. */
  onError?: (err: unknown) => void;
}

export interface FrameTickerStats {
  ticks: number;
  /** Ticks that ran late by a frame or more (back to back after a stall). */
  caughtUp: number;
  /** Ticks skipped after a stall longer than `maxCatchUp` frames. */
  skipped: number;
  errors: number;
}

export class FrameTicker {
  private readonly clock: MixerClock;
  private readonly frameMs: number;
  private readonly maxCatchUp: number;
  private startedAt = 0;
  private index = 0;
  private cancel: (() => void) | undefined;
  private readonly counters: FrameTickerStats = { ticks: 0, caughtUp: 0, skipped: 0, errors: 0 };

  constructor(private readonly onTick: (skippedBefore: number) => void, private readonly options: FrameTickerOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.frameMs = options.frameMs ?? 20;
    this.maxCatchUp = options.maxCatchUp ?? DEFAULT_MAX_CATCH_UP_TICKS;
  }

  get running(): boolean {
    return this.cancel !== undefined;
  }

  stats(): FrameTickerStats {
    return { ...this.counters };
  }

  /** Starts ticking now (the first tick runs at once). Starting a running ticker does nothing. */
  start(): void {
    if (this.cancel) return;
    this.startedAt = this.clock.now();
    this.index = 0;
    this.cancel = this.clock.schedule(() => this.run(), 0);
  }

  stop(): void {
    this.cancel?.();
    this.cancel = undefined;
  }

  private run(): void {
    const now = this.clock.now();
    const due = Math.floor((now - this.startedAt) / this.frameMs) + 1; // ticks due by now, counting from 0
    let skipped = 0;
    if (due - this.index > this.maxCatchUp) {
      skipped = due - this.index - this.maxCatchUp;
      this.counters.skipped += skipped;
      this.index += skipped;
    }
    let ran = 0;
    while (this.index < due && this.cancel) {
      if (ran > 0) this.counters.caughtUp++;
      this.index++;
      ran++;
      this.counters.ticks++;
      try {
        this.onTick(ran === 1 ? skipped : 0);
      } catch (err) {
        this.counters.errors++;
        this.options.onError?.(err);
      }
    }
    if (!this.cancel) return; // stopped from inside a tick
    const nextAt = this.startedAt + this.index * this.frameMs;
    this.cancel = this.clock.schedule(() => this.run(), Math.max(0, nextAt - this.clock.now()));
  }
}
