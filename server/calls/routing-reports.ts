/**
 * The routing core as calls use it while the state store (Redis) may be unavailable.
 *
 * - Reports (ringing, answered, no answer, hang-up, abandoned) that fail with
 *   ERR_STORE_UNAVAILABLE are kept and sent again, in the order they were made, until the store
 *   answers; the call goes on at once (its media does not need the store). Without this an
 *   operator whose call ended during an outage would stay `on-call` in the store for good.
 *   A kept report that the store refuses once it answers (the command ran after all, just before
 *   Redis stopped answering, or the call moved on) is dropped with a log line: there is nothing
 *   left to report.
 * - A queue visit whose enqueue fails with ERR_STORE_UNAVAILABLE (the caller was answered just
 *   before the outage was known) is enqueued again once the store answers, for at most
 *   `maxEnqueueWaitMs`; the caller hears the music meanwhile. If the caller leaves first, the
 *   enqueue gives up (ERR_CALL_GONE) and the abandon report is not needed.
 *
 * While the store is known to be unavailable (`storeAvailable()`, which the routing core's periodic
 * tick keeps up to date), nothing is sent: a command sent to a Redis that stopped answering (SIGSTOP,
 * a stuck host) may still run when it resumes, and its result would be lost to us (an offer made
 * then would ring nobody).
 *
 * Everything else passes through unchanged.
 */
import { AppError, isAppError, type Acd, type CommandResult } from '../routing';

type ReportName = 'onRinging' | 'onAnswered' | 'onNoAnswer' | 'onHangup' | 'onAbandoned';
const REPORTS: ReadonlySet<string> = new Set<ReportName>(['onRinging', 'onAnswered', 'onNoAnswer', 'onHangup', 'onAbandoned']);

/** Default time between attempts while the store does not answer. */
export const DEFAULT_REPORT_RETRY_MS = 1000;
/** Default longest time a caller answered just before an outage waits for its enqueue. */
export const DEFAULT_MAX_ENQUEUE_WAIT_MS = 60_000;
/** Default bound on reports kept during an outage; beyond it the oldest is dropped (and logged). */
export const DEFAULT_MAX_KEPT_REPORTS = 10_000;

export interface RetriedReportsOptions {
  retryMs?: number;
  maxEnqueueWaitMs?: number;
  maxKept?: number;
  log: { info(obj: object, msg?: string): void; warn(obj: object, msg?: string): void };
  /** False while the store is known to be unavailable (its last command failed). Default: always true. */
  storeAvailable?: () => boolean;
  /** A kept report reached the store, or a delayed enqueue went through (for metrics). */
  onRetried?: (what: 'routing-report' | 'enqueue') => void;
  /** Test seam for the wait between attempts. */
  sleep?: (ms: number) => Promise<void>;
}

interface Kept {
  name: ReportName;
  args: unknown[];
}

const EMPTY: CommandResult = { events: [], offers: [] };

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms).unref());

/**
 * `acd` for calls: the same interface, with reports kept and enqueues retried across a store
 * outage. `close()` stops the retries (at shutdown); `kept()` is the number of reports waiting.
 */
export function withRetriedReports(acd: Acd, options: RetriedReportsOptions): { acd: Acd; close(): void; kept(): number } {
  const retries = new RetriedReports(acd, options);
  const proxy = new Proxy(acd, {
    get(target, prop) {
      if (prop === 'enqueue') return (input: Parameters<Acd['enqueue']>[0]) => retries.enqueue(input);
      if (typeof prop === 'string' && REPORTS.has(prop)) return (...args: unknown[]) => retries.report(prop as ReportName, args);
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { acd: proxy, close: () => retries.close(), kept: () => retries.kept.length };
}

class RetriedReports {
  readonly kept: Kept[] = [];
  private draining: Promise<void> | undefined;
  private closed = false;
  /** Visits whose enqueue waits for the store; set to true when the caller left meanwhile. */
  private readonly waitingEnqueues = new Map<string, { gone: boolean }>();
  private readonly retryMs: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly acd: Acd, private readonly o: RetriedReportsOptions) {
    this.retryMs = o.retryMs ?? DEFAULT_REPORT_RETRY_MS;
    this.sleep = o.sleep ?? defaultSleep;
  }

  private get available(): boolean {
    return this.o.storeAvailable?.() ?? true;
  }

  async report(name: ReportName, args: unknown[]): Promise<CommandResult> {
    // the caller left while its enqueue waited for the store: nothing to abandon
    if ((name === 'onAbandoned' || name === 'onHangup') && typeof args[0] === 'string') {
      const waiting = this.waitingEnqueues.get(args[0]);
      if (waiting) {
        waiting.gone = true;
        return EMPTY;
      }
    }
    // reports kept earlier go first: a hang-up must not overtake the answer it follows
    if (this.kept.length > 0 || !this.available) {
      this.keep({ name, args });
      return EMPTY;
    }
    try {
      return await this.send({ name, args });
    } catch (err) {
      if (!isAppError(err, 'ERR_STORE_UNAVAILABLE') || this.closed) throw err;
      this.keep({ name, args });
      return EMPTY;
    }
  }

  async enqueue(input: Parameters<Acd['enqueue']>[0]): ReturnType<Acd['enqueue']> {
    if (!this.available && !this.closed) return this.enqueueLater(input, new AppError('ERR_STORE_UNAVAILABLE', 'the state store is unavailable'));
    try {
      return await this.acd.enqueue(input);
    } catch (err) {
      if (!isAppError(err, 'ERR_STORE_UNAVAILABLE') || this.closed) throw err;
      return this.enqueueLater(input, err);
    }
  }

  close(): void {
    this.closed = true;
    for (const w of this.waitingEnqueues.values()) w.gone = true;
  }

  private async enqueueLater(input: Parameters<Acd['enqueue']>[0], first: AppError): ReturnType<Acd['enqueue']> {
    const state = { gone: false };
    this.waitingEnqueues.set(input.id, state);
    const until = Date.now() + (this.o.maxEnqueueWaitMs ?? DEFAULT_MAX_ENQUEUE_WAIT_MS);
    this.o.log.warn({ callId: input.id }, 'the state store is unavailable: the call waits (with music) to be queued once it answers');
    try {
      for (;;) {
        await this.sleep(this.retryMs);
        if (state.gone) throw new AppError('ERR_CALL_GONE', `call ${input.id} ended while it waited for the state store`, { cause: first });
        if (!this.available) {
          if (Date.now() >= until) throw first;
          continue;
        }
        try {
          const result = await this.acd.enqueue(input);
          this.o.onRetried?.('enqueue');
          this.o.log.info({ callId: input.id }, 'queued once the state store answered');
          return result;
        } catch (err) {
          // the first attempt ran after all (Redis ran it just before it stopped answering)
          if (isAppError(err, 'ERR_DUPLICATE_CALL')) {
            this.o.onRetried?.('enqueue');
            return { events: [], offers: [], queueId: input.queueId, position: 1 };
          }
          if (!isAppError(err, 'ERR_STORE_UNAVAILABLE')) throw err;
          if (Date.now() >= until) throw err;
        }
      }
    } finally {
      this.waitingEnqueues.delete(input.id);
    }
  }

  private send(k: Kept): Promise<CommandResult> {
    const fn = this.acd[k.name] as (...a: unknown[]) => Promise<CommandResult>;
    return fn.apply(this.acd, k.args);
  }

  private keep(k: Kept): void {
    const max = this.o.maxKept ?? DEFAULT_MAX_KEPT_REPORTS;
    if (this.kept.length >= max) {
      const dropped = this.kept.shift()!;
      this.o.log.warn({ report: dropped.name, args: dropped.args, max }, 'too many routing reports kept during the store outage: the oldest is dropped');
    }
    this.kept.push(k);
    if (this.kept.length === 1) this.o.log.warn({ report: k.name, args: k.args }, 'the state store is unavailable: routing reports are kept and sent again once it answers');
    this.draining ??= this.drain().finally(() => { this.draining = undefined; });
  }

  /** Sends the kept reports in order; waits `retryMs` while the store does not answer. */
  private async drain(): Promise<void> {
    while (this.kept.length > 0 && !this.closed) {
      await this.sleep(this.retryMs);
      while (this.kept.length > 0 && !this.closed && this.available) {
        const k = this.kept[0]!;
        try {
          await this.send(k);
          this.o.onRetried?.('routing-report');
        } catch (err) {
          if (isAppError(err, 'ERR_STORE_UNAVAILABLE')) break; // still down: wait and try again
          // the store answered and refused: the call moved on (or the report ran before the outage)
          this.o.log.warn({ err, report: k.name, args: k.args }, 'a routing report kept during the store outage no longer applies: dropped');
        }
        this.kept.shift();
      }
    }
  }
}
