import type { LimitName } from './limits';

export interface TrunkCallLimits {
  /** New calls per second (token bucket: this many at once, refilled at this rate). */
  maxCallsPerSecond: number;
  /** Calls in progress at once (from admission until the final non-2xx answer or the dialog's end). */
  maxConcurrentCalls: number;
}

export type TrunkAdmission =
  | { admitted: true }
  | { admitted: false; limit: Extract<LimitName, 'trunk-calls-per-second' | 'trunk-concurrent-calls'>; retryAfterSeconds: number };

/** Seconds a trunk is asked to wait when it has too many calls in progress. */
export const CONCURRENCY_RETRY_AFTER_SECONDS = 5;

/**
 * A call not answered within this long no longer counts (a safety net for a call whose end was
 * never seen: an INVITE transaction cannot outlive timer C, 3 minutes, by much).
 */
export const UNANSWERED_TIMEOUT_MS = 5 * 60_000;

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * Per-trunk admission of new calls: a calls-per-second token bucket and a cap on calls in
 * progress. A call is identified by a key (its Call-ID); `release(key)` is idempotent.
 */
export class TrunkCallLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly activeByTrunk = new Map<string, Set<string>>();
  private readonly calls = new Map<string, { trunkId: string; admittedAt: number; answered: boolean }>();

  constructor(private readonly limitsOf: (trunkId: string) => TrunkCallLimits, private readonly now: () => number = Date.now) {}

  /** Admits the call (and counts it in progress) or says which limit refuses it. */
  admit(trunkId: string, key: string): TrunkAdmission {
    if (this.calls.has(key)) return { admitted: true }; // already counted
    const limits = this.limitsOf(trunkId);
    const active = this.activeByTrunk.get(trunkId) ?? new Set<string>();
    if (active.size >= limits.maxConcurrentCalls) this.forgetUnanswered(active);
    if (active.size >= limits.maxConcurrentCalls) {
      return { admitted: false, limit: 'trunk-concurrent-calls', retryAfterSeconds: CONCURRENCY_RETRY_AFTER_SECONDS };
    }
    const rate = limits.maxCallsPerSecond;
    const now = this.now();
    const bucket = this.buckets.get(trunkId) ?? { tokens: rate, at: now };
    bucket.tokens = Math.min(rate, bucket.tokens + ((now - bucket.at) / 1000) * rate);
    bucket.at = now;
    this.buckets.set(trunkId, bucket);
    if (bucket.tokens < 1) {
      return { admitted: false, limit: 'trunk-calls-per-second', retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / rate)) };
    }
    bucket.tokens -= 1;
    active.add(key);
    this.activeByTrunk.set(trunkId, active);
    this.calls.set(key, { trunkId, admittedAt: now, answered: false });
    return { admitted: true };
  }

  /** The call was answered: it counts until release(), however long it lasts. */
  answered(key: string): void {
    const call = this.calls.get(key);
    if (call) call.answered = true;
  }

  /** The call ended (or was refused after admission); idempotent. */
  release(key: string): void {
    const call = this.calls.get(key);
    if (!call) return;
    this.calls.delete(key);
    this.activeByTrunk.get(call.trunkId)?.delete(key);
  }

  private forgetUnanswered(active: Set<string>): void {
    const now = this.now();
    for (const key of active) {
      const call = this.calls.get(key);
      if (call && !call.answered && now - call.admittedAt > UNANSWERED_TIMEOUT_MS) this.release(key);
    }
  }

  /** Calls of a trunk in progress. */
  active(trunkId: string): number {
    return this.activeByTrunk.get(trunkId)?.size ?? 0;
  }
}
