import type { Clock, TimerValues } from '../transaction/clock';
import { isReliable, type Endpoint } from '../transport/types';

/**
 * Re-sends a 2xx to INVITE until its ACK arrives (RFC 3261 §13.3.1.4): over UDP at T1 doubling to T2;
 * on every transport it gives up after 64*T1 and calls `onTimeout`.
 */
export class TwoXxRetransmitter {
  private handles: unknown[] = [];
  private stopped = false;

  constructor(
    private readonly clock: Clock,
    private readonly timers: TimerValues,
    private readonly send: (bytes: Buffer, dest: Endpoint) => void,
  ) {}

  start(bytes: Buffer, dest: Endpoint, onTimeout: () => void): void {
    const { T1, T2 } = this.timers;
    if (!isReliable(dest.protocol)) {
      const again = (interval: number) => {
        this.handles[0] = this.clock.setTimeout(() => {
          if (this.stopped) return;
          this.send(bytes, dest);
          again(Math.min(interval * 2, T2));
        }, interval);
      };
      again(T1);
    }
    this.handles[1] = this.clock.setTimeout(() => {
      if (this.stopped) return;
      this.stop();
      onTimeout();
    }, 64 * T1);
  }

  stop(): void {
    this.stopped = true;
    for (const h of this.handles) if (h !== undefined) this.clock.clearTimeout(h);
    this.handles = [];
  }
}
