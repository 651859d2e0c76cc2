/**
 * A small per-participant jitter buffer, one frame per RTP packet (20 ms): packets are put back
 * in sequence-number order, playout starts once `prefetch` frames are buffered, a packet older
 * than the playout point is dropped as late, and the depth is held near `prefetch` so that a
 * sender whose clock runs a little fast does not add latency for ever.
 */

/** Frames the buffer holds at most (8 × 20 ms = 160 ms): enough to ride out a stall the ticker catches up. */
export const DEFAULT_JITTER_CAPACITY = 8;
/** Frames buffered before playout starts (and after an underrun): 2 × 20 ms. */
export const DEFAULT_JITTER_PREFETCH = 2;
/** Consecutive ticks with more than `prefetch` frames buffered before the oldest is dropped (0.5 s). */
export const DEFAULT_JITTER_TRIM_AFTER = 25;

export interface JitterBufferOptions {
  capacity?: number;
  prefetch?: number;
  trimAfter?: number;
}

export interface JitterBufferStats {
  /** Frames accepted into the buffer. */
  stored: number;
  /** Frames handed to the mixer. */
  played: number;
  /** Packets that came after their playout time (dropped). */
  late: number;
  /** Packets whose sequence number was buffered already (dropped). */
  duplicate: number;
  /** Frames dropped because the buffer was full or a newer packet jumped ahead. */
  overflow: number;
  /** Frames dropped to bring the depth back to `prefetch`. */
  trimmed: number;
  /** Ticks where a frame was missing while later ones were buffered (played as silence). */
  concealed: number;
  /** Ticks where the buffer ran empty after playing (playout waits for `prefetch` frames again). */
  underruns: number;
  /** Frames dropped because the mixer skipped their ticks (after a long stall). */
  discarded: number;
  /** Times a new SSRC restarted the buffer. */
  resets: number;
}

export class JitterBuffer<T> {
  readonly capacity: number;
  readonly prefetch: number;
  private readonly trimAfter: number;
  private readonly slots = new Map<number, T>();
  private ssrc: number | undefined;
  /** Extended sequence number of the next frame to play, once the first packet came. */
  private next: number | undefined;
  private highest = 0;
  private primed = false;
  private deepTicks = 0;
  private readonly counters: JitterBufferStats = {
    stored: 0, played: 0, late: 0, duplicate: 0, overflow: 0, trimmed: 0, concealed: 0, underruns: 0, discarded: 0, resets: 0,
  };

  constructor(options: JitterBufferOptions = {}) {
    this.capacity = options.capacity ?? DEFAULT_JITTER_CAPACITY;
    this.prefetch = options.prefetch ?? DEFAULT_JITTER_PREFETCH;
    this.trimAfter = options.trimAfter ?? DEFAULT_JITTER_TRIM_AFTER;
    if (!Number.isInteger(this.capacity) || this.capacity < 1) throw new RangeError(`jitter buffer capacity ${this.capacity} must be an integer ≥ 1`);
    if (!Number.isInteger(this.prefetch) || this.prefetch < 1 || this.prefetch > this.capacity) {
      throw new RangeError(`jitter buffer prefetch ${this.prefetch} must be an integer in 1..capacity (${this.capacity})`);
    }
  }

  get size(): number {
    return this.slots.size;
  }

  stats(): JitterBufferStats {
    return { ...this.counters };
  }

  /** Offers one packet's frame. Returns false when it was dropped (late or duplicate). */
  push(ssrc: number, sequence: number, frame: T): boolean {
    if (this.ssrc !== ssrc) {
      if (this.ssrc !== undefined) this.counters.resets++;
      this.ssrc = ssrc;
      this.slots.clear();
      this.next = undefined;
      this.primed = false;
    }
    let ext: number;
    if (this.next === undefined) {
      ext = sequence;
      this.next = ext;
      this.highest = ext;
    } else {
      // The signed 16-bit distance from the highest number seen handles wrap-around and reordering.
      ext = this.highest + ((((sequence - (this.highest & 0xffff)) & 0xffff) ^ 0x8000) - 0x8000);
    }
    if (ext < this.next) {
      this.counters.late++;
      return false;
    }
    if (this.slots.has(ext)) {
      this.counters.duplicate++;
      return false;
    }
    if (ext >= this.next + this.capacity) {
      // Too far ahead for the buffer: drop what would fall out, then play from the oldest frame left.
      const keepFrom = ext - this.capacity + 1;
      for (const key of this.slots.keys()) {
        if (key < keepFrom) {
          this.slots.delete(key);
          this.counters.overflow++;
        }
      }
      this.next = Math.min(ext, ...this.slots.keys());
    }
    this.slots.set(ext, frame);
    if (ext > this.highest) this.highest = ext;
    this.counters.stored++;
    return true;
  }

  /** The frame due at this tick, or undefined for silence (nothing yet, a gap, or an underrun). */
  pop(): T | undefined {
    if (this.next === undefined) return undefined;
    if (!this.primed) {
      if (this.slots.size < this.prefetch) return undefined;
      this.primed = true;
    }
    if (this.slots.size === 0) {
      this.primed = false;
      this.counters.underruns++;
      return undefined;
    }
    this.trimIfDeep();
    const frame = this.slots.get(this.next);
    if (frame === undefined) {
      this.counters.concealed++;
      this.next++;
      return undefined;
    }
    this.slots.delete(this.next);
    this.next++;
    this.counters.played++;
    return frame;
  }

  /** The mixer skipped `frames` ticks: drop the frames that were due then, keeping what is newer. */
  skip(frames: number): void {
    for (let i = 0; i < frames && this.next !== undefined && this.slots.size > 0; i++) {
      if (this.slots.delete(this.next)) this.counters.discarded++;
      this.next++;
    }
  }

  private trimIfDeep(): void {
    if (this.slots.size <= this.prefetch) {
      this.deepTicks = 0;
      return;
    }
    if (++this.deepTicks < this.trimAfter) return;
    this.deepTicks = 0;
    // Drop the frame due now (or skip its gap): the depth shrinks by one.
    if (this.slots.delete(this.next!)) this.counters.trimmed++;
    else this.counters.concealed++;
    this.next!++;
  }
}
