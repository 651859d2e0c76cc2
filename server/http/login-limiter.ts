/**
 * Counts failed sign-ins per client address: after `maxFailures` within `windowMs` the address is
 * refused for `coolDownMs` (even with the right password). A success clears the count.
 */
export interface LoginLimit {
  maxFailures: number;
  windowMs: number;
  coolDownMs: number;
}

export const DEFAULT_LOGIN_LIMIT: LoginLimit = { maxFailures: 10, windowMs: 60_000, coolDownMs: 300_000 };

interface Entry {
  failures: number;
  windowStart: number;
  blockedUntil?: number;
}

export class LoginLimiter {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly limit: LoginLimit, private readonly now: () => number) {}

  /** Milliseconds until the address may try again; 0 when it may now. */
  blockedFor(address: string): number {
    const entry = this.entries.get(address);
    if (entry?.blockedUntil === undefined) return 0;
    const left = entry.blockedUntil - this.now();
    if (left > 0) return left;
    this.entries.delete(address);
    return 0;
  }

  /** Counts a failure; true when the address is now blocked. */
  fail(address: string): boolean {
    const at = this.now();
    let entry = this.entries.get(address);
    if (!entry || at - entry.windowStart >= this.limit.windowMs) {
      entry = { failures: 0, windowStart: at };
      this.entries.set(address, entry);
    }
    entry.failures += 1;
    if (entry.failures >= this.limit.maxFailures) entry.blockedUntil = at + this.limit.coolDownMs;
    return entry.blockedUntil !== undefined;
  }

  succeed(address: string): void {
    this.entries.delete(address);
  }

  /** Forgets entries whose window and cool-down are over (bounded memory). */
  sweep(): void {
    const at = this.now();
    for (const [address, e] of this.entries) {
      const over = e.blockedUntil !== undefined ? e.blockedUntil <= at : at - e.windowStart >= this.limit.windowMs;
      if (over) this.entries.delete(address);
    }
  }
}
