/**
 * The one entry point for the composition root: opens the record database named by `records`
 * config (PGlite directory, PostgreSQL server, or memory), migrates it, closes the calls a dead
 * run of this instance left live (outcome `interrupted`), and starts the buffered writer and the
 * retention job. `close()` stops them in order: writer (final flush), retention, database.
 */
import { silentLogger, type RecordsLogger } from './logger';
import { recordOperatorActivity, type OperatorStateSource } from './activity-recorder';
import { RecordWriter } from './record-writer';
import { startRetention, type RetentionJob } from './retention';
import { openRecordStore, type SqlRecordStore } from './sql-record-store';
import type { ReportQuery } from './report-types';

/** The `records` config section (config/schema.ts `RecordsConfig`), as this layer reads it. */
export interface RecordsSettings {
  dir?: string;
  url?: string;
  retentionDays: number;
  bufferMax: number;
  timeZone: string;
  shortAbandonSeconds: number;
  defaultCountryCode?: string;
}

export interface OpenRecordsOptions {
  log?: RecordsLogger;
  /** Stable id of this instance across restarts (host or pod name): its live calls of a crashed run are closed. */
  instanceId: string;
  now?: () => number;
  /** Tunables of the writer's back-off (tests). */
  retryMinMs?: number;
  retryMaxMs?: number;
}

export interface Records {
  store: SqlRecordStore;
  /** What the calls layer writes to (`saveCall`, `dispose`) and activity goes through. */
  writer: RecordWriter;
  /** How many live calls of a previous run were closed as interrupted at start. */
  interruptedAtStart: number;
  /** Records operator activity from the routing core's events; answers a function that stops it. */
  recordActivityFrom(source: OperatorStateSource): () => void;
  /** Report query defaults from config (time zone, short abandons). */
  reportDefaults: Pick<ReportQuery, 'timeZone' | 'shortAbandonSeconds'>;
  /** For readiness: `degraded` while writes wait for the database. */
  state(): 'up' | 'degraded';
  close(): Promise<void>;
}

export async function openRecords(settings: RecordsSettings, options: OpenRecordsOptions): Promise<Records> {
  const log = options.log ?? silentLogger;
  const now = options.now ?? Date.now;
  const store = await openRecordStore({
    url: settings.url, dir: settings.dir, now,
    phone: settings.defaultCountryCode ? { defaultCountryCode: settings.defaultCountryCode } : {},
    onConnectionError: (err) => log.warn({ err }, 'records: database connection lost'),
  });
  let retention: RetentionJob | undefined;
  try {
    const interruptedAtStart = await store.closeInterrupted(options.instanceId, now());
    if (interruptedAtStart > 0) log.warn({ calls: interruptedAtStart, instanceId: options.instanceId }, 'records: calls left live by the previous run closed as interrupted');
    const writer = new RecordWriter({ store, bufferMax: settings.bufferMax, log, retryMinMs: options.retryMinMs, retryMaxMs: options.retryMaxMs });
    retention = startRetention({ store, retentionDays: settings.retentionDays, log, now });
    const stops = new Set<() => void>();
    let closed = false;
    log.info({ engine: store.client.kind, dir: settings.dir, schema: await store.schemaVersion() }, 'records: open');
    const job = retention;
    return {
      store, writer, interruptedAtStart,
      reportDefaults: { timeZone: settings.timeZone, shortAbandonSeconds: settings.shortAbandonSeconds },
      recordActivityFrom(source) {
        const stop = recordOperatorActivity(source, writer, options.instanceId, log);
        stops.add(stop);
        return () => {
          stops.delete(stop);
          stop();
        };
      },
      state: () => writer.state(),
      async close() {
        if (closed) return;
        closed = true;
        for (const stop of stops) stop();
        await writer.close();
        await job.stop();
        await store.close();
      },
    };
  } catch (err) {
    await retention?.stop();
    await store.close();
    throw err;
  }
}
