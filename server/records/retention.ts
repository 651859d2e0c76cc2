/**
 * Retention: deletes calls and operator activity older than `records.retentionDays`, once at start
 * and then every `everyMs` (an hour). A plain interval timer rather than a job queue such as
 * BullMQ: the embedded setup has no Redis, and the job is one idempotent DELETE by cutoff, safe to
 * run on several instances at once, so it needs no locking, no persistence and no exactly-once.
 */
import type { RecordsLogger } from './logger';
import type { RecordStore } from './record-store';

export interface RetentionOptions {
  store: Pick<RecordStore, 'deleteOlderThan'>;
  retentionDays: number;
  log: RecordsLogger;
  now?: () => number;
  /** Default 1 h. */
  everyMs?: number;
}

export interface RetentionJob {
  /** One pass now (also what the timer runs); answers what was deleted. */
  runOnce(): Promise<{ calls: number; activity: number }>;
  /** Stops the timer and waits for a pass in progress. Idempotent. */
  stop(): Promise<void>;
}

const DAY_MS = 86_400_000;

export function startRetention(options: RetentionOptions): RetentionJob {
  const now = options.now ?? Date.now;
  let running: Promise<unknown> = Promise.resolve();
  let stopped = false;
  const runOnce = async () => {
    const cutoff = now() - options.retentionDays * DAY_MS;
    const deleted = await options.store.deleteOlderThan(cutoff);
    if (deleted.calls + deleted.activity > 0) options.log.info({ ...deleted, cutoff: new Date(cutoff).toISOString() }, 'records: retention deleted old records');
    return deleted;
  };
  const pass = () => {
    if (stopped) return;
    running = runOnce().catch((err: unknown) => {
      // the database may be down: the next pass tries again
      options.log.warn({ err }, 'records: retention pass failed, retrying at the next one');
    });
  };
  const timer = setInterval(pass, options.everyMs ?? 3_600_000);
  timer.unref();
  pass();
  return {
    runOnce,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
