export interface FailureLimiterOptions {
  /** Failures from one address within `windowMs` that trip the cool-down. Default 10. */
  maxFailures?: number;
  windowMs?: number;
  /** How long a tripped address gets 403 without any password check. Default 5 minutes. */
  coolDownMs?: number;
  /** Addresses tracked at most (oldest forgotten first), so a flood cannot exhaust memory. */
  maxTracked?: number;
}

/** Counts authentication failures per source address and blocks an address that fails too often. */
export class FailureLimiter {
  private readonly entries = new Map<string, { failures: number[]; blockedUntil: number }>();
  private readonly max: number;
  private readonly windowMs: number;
  private readonly coolDownMs: number;
  private readonly maxTracked: number;

  constructor(options: FailureLimiterOptions = {}) {
    this.max = options.maxFailures ?? 10;
    this.windowMs = options.windowMs ?? 60_000;
    this.coolDownMs = options.coolDownMs ?? 300_000;
    this.maxTracked = options.maxTracked ?? 100_000;
  }

  isBlocked(address: string, now: number): boolean {
    const e = this.entries.get(address);
    return e !== undefined && e.blockedUntil > now;
  }

  recordFailure(address: string, now: number): void {
    let e = this.entries.get(address);
    if (!e) {
      if (this.entries.size >= this.maxTracked) this.entries.delete(this.entries.keys().next().value!);
      e = { failures: [], blockedUntil: 0 };
      this.entries.set(address, e);
    }
    e.failures = e.failures.filter((t) => now - t < this.windowMs);
    e.failures.push(now);
    if (e.failures.length >= this.max) {
      e.blockedUntil = now + this.coolDownMs;
      e.failures = [];
    }
  }

  recordSuccess(address: string): void {
    const e = this.entries.get(address);
    if (e && e.blockedUntil === 0) this.entries.delete(address);
  }
}
