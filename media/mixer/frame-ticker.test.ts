import { FrameTicker, type MixerClock } from './frame-ticker';

/** A manual clock: advance() moves time and runs what is due, in order. */
class FakeClock implements MixerClock {
  time = 1000;
  private queue: { at: number; cb: () => void; id: number }[] = [];
  private ids = 0;
  now(): number {
    return this.time;
  }
  schedule(cb: () => void, delayMs: number): () => void {
    const id = ++this.ids;
    this.queue.push({ at: this.time + delayMs, cb, id });
    return () => {
      this.queue = this.queue.filter((t) => t.id !== id);
    };
  }
  /** Moves to `to`, firing each timer `lateBy` ms after it is due (a loaded event loop). */
  advanceTo(to: number, lateBy = 0): void {
    for (;;) {
      this.queue.sort((a, b) => a.at - b.at);
      const next = this.queue[0];
      if (!next || next.at + lateBy > to) break;
      this.queue.shift();
      this.time = Math.max(this.time, next.at + lateBy);
      next.cb();
    }
    this.time = to;
  }
}

function tickTimes(lateBy: number, until: number, maxCatchUp?: number): { times: number[]; ticker: FrameTicker } {
  const clock = new FakeClock();
  const times: number[] = [];
  const ticker = new FrameTicker(() => times.push(clock.now() - 1000), { clock, maxCatchUp });
  ticker.start();
  clock.advanceTo(1000 + until + lateBy, lateBy);
  ticker.stop();
  return { times, ticker };
}

describe('FrameTicker', () => {
  it.each([0, 1, 7, 19])('runs one tick per 20 ms with timers %d ms late, without drifting', (lateBy) => {
    const { times, ticker } = tickTimes(lateBy, 10_000);
    expect(times.length).toBe(501);
    // Each tick runs late by the timer's lateness only; lateness never accumulates.
    times.forEach((t, n) => expect(t - n * 20).toBeLessThanOrEqual(lateBy));
    expect(ticker.stats()).toMatchObject({ ticks: 501, skipped: 0 });
  });

  it('catches up after a stall, then skips what is older than maxCatchUp frames', () => {
    const clock = new FakeClock();
    let ticks = 0;
    const skips: number[] = [];
    const ticker = new FrameTicker((skipped) => { ticks++; if (skipped) skips.push(skipped); }, { clock, maxCatchUp: 5 });
    ticker.start();
    clock.advanceTo(1000 + 100); // ticks 0..5
    expect(ticks).toBe(6);
    clock.time += 60; // the event loop stalls: 3 ticks due at once
    clock.advanceTo(clock.time);
    expect(ticks).toBe(9);
    expect(ticker.stats().caughtUp).toBe(2);
    clock.time += 1000; // a long stall: 50 ticks due, 5 run, 45 skipped
    clock.advanceTo(clock.time);
    expect(ticker.stats()).toMatchObject({ ticks: 14, skipped: 45 });
    expect(skips).toEqual([45]); // told to the first tick after the gap
    clock.advanceTo(clock.time + 20);
    expect(ticks).toBe(15); // back on the original grid
    ticker.stop();
  });

  it('stops from inside a tick and reports tick errors without stopping', () => {
    const clock = new FakeClock();
    const errors: unknown[] = [];
    let n = 0;
    const ticker = new FrameTicker(() => {
      n++;
      if (n === 2) throw new Error('bug');
      if (n === 4) ticker.stop();
    }, { clock, onError: (e) => errors.push(e) });
    ticker.start();
    clock.advanceTo(2000);
    expect(n).toBe(4);
    expect(errors).toHaveLength(1);
    expect(ticker.running).toBe(false);
  });
});
