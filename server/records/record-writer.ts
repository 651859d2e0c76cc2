/**
 * The buffered writer in front of the record store, so call handling never waits for the database
 * and survives its outage. Call records coalesce by call id (only the newest snapshot of a call is
 * kept); activity and late dispositions queue in order. A background loop writes in batches and
 * retries with back-off while the database is down (`state()` is then `degraded`). The buffer is
 * bounded (`records.bufferMax`): when full, the new entry is refused, counted and logged — never
 * dropped silently. A record the database rejects as invalid (not an outage) is counted and logged
 * with its id, so one bad record cannot block the rest.
 */
import { RecordsError } from './errors';
import { silentLogger, type RecordsLogger } from './logger';
import type { CallRecord, OperatorActivity } from './model';
import type { ActivitySink, CallRecordSink, RecordStore } from './record-store';

export type RecordWriterState = 'up' | 'degraded';

export interface RecordWriterOptions {
  store: Pick<RecordStore, 'saveCalls' | 'dispose' | 'recordActivity'>;
  /** Entries waiting at most (distinct calls + activity + dispositions). Default 10,000. */
  bufferMax?: number;
  /** Call records per transaction. Default 200. */
  batchMax?: number;
  /** Back-off between retries while the database is down. Default 250 ms doubling up to 10 s. */
  retryMinMs?: number;
  retryMaxMs?: number;
  /** How long close() keeps trying to write what is left. Default 5 s. */
  closeTimeoutMs?: number;
  log?: RecordsLogger;
}

export interface RecordWriterStats {
  pending: number;
  /** Entries refused because the buffer was full. */
  dropped: number;
  /** Entries the database refused as invalid. */
  rejected: number;
  /** Call snapshots, activity changes and dispositions written. */
  written: number;
  /** Failed write attempts (outages). */
  failures: number;
}

interface PendingDisposition { callId: string; operatorId: string; disposition: string; notes?: string }

export const DEFAULT_BUFFER_MAX = 10_000;

/** SQLSTATE classes that mean "this data is wrong" (retrying cannot help), not "the database is away". */
function isDataError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^(22|23|42)[0-9A-Z]{3}$/.test(code);
}

export class RecordWriter implements CallRecordSink, ActivitySink {
  private readonly store: RecordWriterOptions['store'];
  private readonly max: number;
  private readonly batchMax: number;
  private readonly retryMin: number;
  private readonly retryMax: number;
  private readonly closeTimeoutMs: number;
  private readonly log: RecordsLogger;
  private readonly calls = new Map<string, CallRecord>();
  private readonly activity: OperatorActivity[] = [];
  private readonly dispositions: PendingDisposition[] = [];
  private readonly counters = { dropped: 0, rejected: 0, written: 0, failures: 0 };
  private current: RecordWriterState = 'up';
  private pumping = false;
  private closed = false;
  private stopping = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private wakeRetry: (() => void) | undefined;
  private idleWaiters: Array<() => void> = [];

  constructor(options: RecordWriterOptions) {
    this.store = options.store;
    this.max = options.bufferMax ?? DEFAULT_BUFFER_MAX;
    this.batchMax = options.batchMax ?? 200;
    this.retryMin = options.retryMinMs ?? 250;
    this.retryMax = options.retryMaxMs ?? 10_000;
    this.closeTimeoutMs = options.closeTimeoutMs ?? 5_000;
    this.log = options.log ?? silentLogger;
  }

  state(): RecordWriterState {
    return this.current;
  }

  stats(): RecordWriterStats {
    return { pending: this.pending(), ...this.counters };
  }

  /** Buffers the newest snapshot of the call; resolves at once (the write happens in the background). */
  async saveCall(record: CallRecord): Promise<void> {
    this.assertOpen();
    const buffered = this.calls.get(record.callId);
    if (!buffered && !this.admit('call', { callId: record.callId })) return;
    // a disposition given while the record waited here stays with the newer snapshot
    const snapshot = buffered?.disposition !== undefined && record.disposition === undefined
      ? { ...record, disposition: buffered.disposition, notes: record.notes ?? buffered.notes }
      : record;
    this.calls.set(record.callId, snapshot);
    this.kick();
  }

  /**
   * Stores the disposition. When the record still waits in the buffer it is set there; when the
   * database is away it is queued and true is answered (checked when written: a mismatch is logged).
   */
  async dispose(callId: string, operatorId: string, disposition: string, notes?: string): Promise<boolean> {
    this.assertOpen();
    const buffered = this.calls.get(callId);
    if (buffered) {
      const handled = buffered.operatorId === operatorId || buffered.segments.some((s) => s.operatorId === operatorId && (s.kind === 'answered' || s.kind === 'wrap-up'));
      if (!handled) return false;
      this.calls.set(callId, { ...buffered, disposition, notes: notes ?? buffered.notes });
      this.kick();
      return true;
    }
    if (this.current === 'up' && this.dispositions.length === 0) {
      try {
        return await this.store.dispose(callId, operatorId, disposition, notes);
      } catch (err) {
        if (isDataError(err)) throw err;
        this.markDegraded(err);
      }
    }
    const pending: PendingDisposition = { callId, operatorId, disposition };
    if (notes !== undefined) pending.notes = notes;
    if (!this.admit('disposition', { callId, operatorId })) return false;
    this.dispositions.push(pending);
    this.kick();
    return true;
  }

  async recordActivity(activity: OperatorActivity): Promise<void> {
    this.assertOpen();
    if (!this.admit('activity', { operatorId: activity.operatorId, state: activity.state })) return;
    this.activity.push(activity);
    this.kick();
  }

  /** Resolves when everything buffered is written; rejects after `timeoutMs`. */
  flush(timeoutMs = 10_000): Promise<void> {
    if (this.pending() === 0 && !this.pumping) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.idleWaiters = this.idleWaiters.filter((w) => w !== done);
        reject(new RecordsError('ERR_RECORDS_UNAVAILABLE', `${this.pending()} records not written after ${timeoutMs} ms`, { details: { pending: this.pending() } }));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      this.idleWaiters.push(done);
      this.kick();
    });
  }

  /** Stops taking entries, tries for `closeTimeoutMs` to write what is left, logs what could not be. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.flush(this.closeTimeoutMs);
    } catch {
      this.log.error({ pending: this.pending(), calls: [...this.calls.keys()].slice(0, 50) }, 'records: buffered records could not be written before shutdown');
    }
    this.stopping = true;
    clearTimeout(this.retryTimer);
    this.wakeRetry?.();
  }

  private pending(): number {
    return this.calls.size + this.activity.length + this.dispositions.length;
  }

  private assertOpen(): void {
    if (this.closed) throw new RecordsError('ERR_RECORDS_CLOSED', 'the record writer is closed');
  }

  private admit(kind: string, what: object): boolean {
    if (this.pending() < this.max) return true;
    this.counters.dropped++;
    this.log.error({ kind, ...what, bufferMax: this.max, dropped: this.counters.dropped }, 'records: buffer full, entry dropped (records.bufferMax)');
    return false;
  }

  /** Starts the write loop unless it runs (while the database is away it waits out its back-off). */
  private kick(): void {
    void this.pump();
  }

  private markDegraded(err: unknown): void {
    this.counters.failures++;
    if (this.current === 'up') this.log.warn({ err, pending: this.pending() }, 'records: database unavailable, buffering writes');
    this.current = 'degraded';
  }

  private markUp(): void {
    if (this.current === 'degraded') this.log.info({ pending: this.pending() }, 'records: database back, writing the buffer');
    this.current = 'up';
  }

  private async writeOnce(): Promise<void> {
    if (this.calls.size > 0) {
      const batch = [...this.calls.entries()].slice(0, this.batchMax);
      try {
        await this.store.saveCalls(batch.map(([, r]) => r));
      } catch (err) {
        if (!isDataError(err)) throw err;
        // find the bad record(s): write one by one
        for (const [id, rec] of batch) {
          try {
            await this.store.saveCalls([rec]);
          } catch (one) {
            if (!isDataError(one)) throw one;
            this.counters.rejected++;
            this.log.error({ err: one, callId: id }, 'records: the database refused a call record');
          }
          if (this.calls.get(id) === rec) this.calls.delete(id);
        }
        return;
      }
      for (const [id, rec] of batch) if (this.calls.get(id) === rec) this.calls.delete(id);
      this.counters.written += batch.length;
      return;
    }
    if (this.activity.length > 0) {
      const a = this.activity[0] as OperatorActivity;
      try {
        await this.store.recordActivity(a);
        this.counters.written++;
      } catch (err) {
        if (!isDataError(err)) throw err;
        this.counters.rejected++;
        this.log.error({ err, operatorId: a.operatorId }, 'records: the database refused an activity change');
      }
      this.activity.shift();
      return;
    }
    const d = this.dispositions[0];
    if (d) {
      const ok = await this.store.dispose(d.callId, d.operatorId, d.disposition, d.notes);
      if (!ok) this.log.warn({ callId: d.callId, operatorId: d.operatorId }, 'records: a queued disposition matched no call of that operator');
      this.counters.written++;
      this.dispositions.shift();
    }
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    let delay = this.retryMin;
    try {
      while (this.pending() > 0 && !this.stopping) {
        try {
          await this.writeOnce();
          this.markUp();
          delay = this.retryMin;
        } catch (err) {
          this.markDegraded(err);
          await new Promise<void>((resolve) => {
            this.wakeRetry = resolve;
            this.retryTimer = setTimeout(resolve, delay);
          });
          this.wakeRetry = undefined;
          delay = Math.min(delay * 2, this.retryMax);
        }
      }
    } finally {
      this.pumping = false;
      if (this.pending() === 0) {
        const waiters = this.idleWaiters;
        this.idleWaiters = [];
        for (const w of waiters) w();
      }
    }
  }
}
