/**
 * The server's Prometheus metrics (prom-client), on a registry of their own: calls by outcome and
 * wait times (from call records as they are written), calls waiting per queue and operators by
 * state (from the routing snapshot, read at scrape time), media relay errors (on the relay's
 * `down`), and prom-client's default process metrics.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { CALL_OUTCOMES, isEnded, type CallRecord, type CallRecordFilter, type CallRecordStore } from '../calls/call-record';
import { OPERATOR_STATES, type AcdSnapshot } from '../routing';
import { LIMIT_NAMES, type LimitName } from '../signalling/limits';
import { BINDING_REMOVAL_REASONS, type BindingRemovalReason } from '../signalling/registrar';
import { SOURCE_LIMIT_NAMES } from '../sip-engine';

export interface MetricsOptions {
  /** The routing snapshot, asked at every scrape. */
  snapshot: () => Promise<AcdSnapshot>;
  /** Queue ids, so every queue has a series from the start. */
  queues?: readonly string[];
  /** Collect prom-client's process metrics (CPU, memory, event loop). Default true. */
  defaultMetrics?: boolean;
  /** The SIP engine's message counts (`request:INVITE`, `response:200` → n), asked at every scrape. */
  sipMessages?: () => Promise<{ in: Record<string, number>; out: Record<string, number> }>;
  /** The record writer's counters (server/records/record-writer.ts `stats()`), asked at every scrape. */
  recordWriter?: () => RecordWriterCounts;
  /**
   * The SIP engine's per-source limits, asked at every scrape: trips since start by limit
   * (requests dropped, connections refused or timed out), and sources ignored right now.
   */
  engineLimits?: () => Promise<{ trips: Record<string, number>; blockedSources: number }>;
}

/** What the record writer counts: entries waiting, refused (buffer full), rejected (invalid), failed writes. */
export interface RecordWriterCounts {
  pending: number;
  dropped: number;
  rejected: number;
  failures: number;
}

/** Call set-up buckets in seconds (trunk INVITE → our 200 OK): parking the caller should take milliseconds. */
export const SETUP_BUCKETS_SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

/** Wait-time buckets in seconds: a contact centre's service levels sit between 10 s and a few minutes. */
export const WAIT_BUCKETS_SECONDS = [1, 5, 10, 20, 30, 60, 120, 300, 600];

/**
 * What `switchboard_recoveries_total` counts, by `kind`: calls moved to a restarted media relay,
 * calls ended because their media was lost, calls of a dead instance (or of this one's previous
 * run) taken out of routing, operators released from them (paused, reason `recovered`), routing
 * reports sent again after a state store outage, and calls queued once the store answered again.
 */
export const RECOVERY_KINDS = ['call-moved', 'call-media-lost', 'call-interrupted', 'operator-released', 'routing-report-retried', 'call-queued-late'] as const;
export type RecoveryKind = typeof RECOVERY_KINDS[number];

export class ServerMetrics {
  readonly registry = new Registry();
  private readonly calls: Counter<'queue' | 'outcome'>;
  private readonly waits: Histogram<'queue' | 'outcome'>;
  private readonly relayErrors: Counter;
  private readonly setups: Histogram<'queue'>;
  private readonly limitTrips: Counter<'limit'>;
  private readonly mediaRecoveries: Counter<'result'>;
  private readonly recoveries: Counter<'kind'>;
  private readonly bindingRemovals: Counter<'reason'>;

  constructor(options: MetricsOptions) {
    const registers = [this.registry];
    this.calls = new Counter({ name: 'switchboard_calls_total', help: 'Finished calls by queue and outcome', labelNames: ['queue', 'outcome'], registers });
    this.waits = new Histogram({
      name: 'switchboard_call_wait_seconds', help: 'Time callers waited before an operator answered or they left',
      labelNames: ['queue', 'outcome'], buckets: WAIT_BUCKETS_SECONDS, registers,
    });
    this.relayErrors = new Counter({ name: 'switchboard_media_relay_errors_total', help: 'Times the media relay went down', registers });
    this.mediaRecoveries = new Counter({
      name: 'switchboard_media_recoveries_total', help: 'Live calls the media relay lost, by result: restored on a new session, or ended (outcome media-lost)',
      labelNames: ['result'], registers,
    });
    for (const result of ['restored', 'lost']) this.mediaRecoveries.inc({ result }, 0);
    this.recoveries = new Counter({
      name: 'switchboard_recoveries_total', help: 'Things repaired after a fault, by kind (see RECOVERY_KINDS)', labelNames: ['kind'], registers,
    });
    for (const kind of RECOVERY_KINDS) this.recoveries.inc({ kind }, 0);
    this.bindingRemovals = new Counter({
      name: 'switchboard_bindings_removed_total',
      help: 'Registered devices removed before their registration expired, by reason: flow-closed (engine notice), unreachable (a call to it failed at the transport), keepalive (a probe failed), instance-gone, replaced (same +sip.instance)',
      labelNames: ['reason'], registers,
    });
    for (const reason of BINDING_REMOVAL_REASONS) this.bindingRemovals.inc({ reason }, 0);
    this.setups = new Histogram({
      name: 'switchboard_call_setup_seconds', help: 'Time from the trunk\'s INVITE to our 200 OK (caller answered into the queue)',
      labelNames: ['queue'], buckets: SETUP_BUCKETS_SECONDS, registers,
    });
    if (options.sipMessages) {
      const read = options.sipMessages;
      new Counter({
        name: 'switchboard_sip_messages_total', help: 'SIP messages received and sent, requests by method and responses by status (first sends)',
        labelNames: ['direction', 'kind', 'name'], registers,
        async collect() {
          const m = await read();
          this.reset();
          for (const direction of ['in', 'out'] as const) {
            for (const [key, n] of Object.entries(m[direction])) {
              const [kind, name] = key.split(':') as [string, string];
              this.inc({ direction, kind, name }, n);
            }
          }
        },
      });
    }
    if (options.recordWriter) {
      const stats = options.recordWriter;
      new Gauge({
        name: 'switchboard_records_pending', help: 'Call records, activity changes and dispositions waiting to be written to the record database', registers,
        collect() { this.set(stats().pending); },
      });
      const counter = (name: string, help: string, key: 'dropped' | 'rejected' | 'failures') => new Counter({
        name, help, registers,
        collect() {
          this.reset();
          this.inc(stats()[key]);
        },
      });
      counter('switchboard_records_dropped_total', 'Record entries refused because the write buffer was full (records.bufferMax)', 'dropped');
      counter('switchboard_records_rejected_total', 'Record entries the database refused as invalid', 'rejected');
      counter('switchboard_records_write_failures_total', 'Failed writes to the record database (outages)', 'failures');
    }
    // the engine's trips are totals kept in its worker: each scrape adds what is new since the last
    const engineLimits = options.engineLimits;
    const seen = new Map<string, number>();
    let engineRead: Promise<{ trips: Record<string, number>; blockedSources: number }> | undefined;
    const readEngine = () => {
      engineRead ??= engineLimits!().finally(() => { engineRead = undefined; });
      return engineRead;
    };
    this.limitTrips = new Counter({
      name: 'switchboard_limit_trips_total', help: 'Requests refused or dropped (or bindings replaced, connections closed) because an input limit was reached, by limit',
      labelNames: ['limit'], registers,
      ...(engineLimits ? {
        async collect() {
          const { trips } = await readEngine();
          for (const [limit, total] of Object.entries(trips)) {
            const delta = total - (seen.get(limit) ?? 0);
            if (delta > 0) this.inc({ limit }, delta);
            seen.set(limit, total);
          }
        },
      } : {}),
    });
    if (engineLimits) {
      for (const limit of SOURCE_LIMIT_NAMES) this.limitTrips.inc({ limit }, 0);
      new Gauge({
        name: 'switchboard_sip_blocked_sources', help: 'Source addresses whose SIP requests are being dropped (over their request rate, in their cool-down)', registers,
        async collect() {
          this.set((await readEngine()).blockedSources);
        },
      });
    }
    for (const limit of LIMIT_NAMES) this.limitTrips.inc({ limit }, 0);
    for (const queue of options.queues ?? []) for (const outcome of CALL_OUTCOMES) this.calls.inc({ queue, outcome }, 0);

    // gauges read the routing core at scrape time; one snapshot serves both
    let pending: Promise<AcdSnapshot> | undefined;
    const snapshot = () => {
      pending ??= options.snapshot().finally(() => { pending = undefined; });
      return pending;
    };
    new Gauge({
      name: 'switchboard_calls_waiting', help: 'Calls waiting in each queue', labelNames: ['queue'], registers,
      async collect() {
        const s = await snapshot();
        this.reset();
        for (const q of s.queues) this.set({ queue: q.id }, q.waiting.length);
      },
    });
    new Gauge({
      name: 'switchboard_operators', help: 'Operators by state', labelNames: ['state'], registers,
      async collect() {
        const s = await snapshot();
        const counts = new Map<string, number>(OPERATOR_STATES.map((st) => [st, 0]));
        for (const o of s.operators) counts.set(o.state, (counts.get(o.state) ?? 0) + 1);
        for (const [state, n] of counts) this.set({ state }, n);
      },
    });
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry, prefix: 'switchboard_' });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** One finished call, from its call record. */
  recordCall(r: Pick<CallRecord, 'queue' | 'outcome' | 'waitSeconds' | 'setupMs'>): void {
    this.calls.inc({ queue: r.queue, outcome: r.outcome });
    this.waits.observe({ queue: r.queue, outcome: r.outcome }, r.waitSeconds);
    if (r.setupMs !== undefined) this.setups.observe({ queue: r.queue }, r.setupMs / 1000);
  }

  /** The media relay went down. */
  relayError(): void {
    this.relayErrors.inc();
  }

  /** A live call the media relay lost was restored on a new session, or ended. */
  readonly mediaRecovery = (result: 'restored' | 'lost'): void => {
    this.mediaRecoveries.inc({ result });
    this.recoveries.inc({ kind: result === 'restored' ? 'call-moved' : 'call-media-lost' });
  };

  /** Something was repaired after a fault (`n` of them); bound, so it can be passed as is. */
  readonly recovered = (kind: RecoveryKind, n = 1): void => {
    if (n > 0) this.recoveries.inc({ kind }, n);
  };

  /** Registered bindings removed before they expired (signalling's `onBindingsRemoved`); bound. */
  readonly bindingsRemoved = (reason: BindingRemovalReason, count: number): void => {
    this.bindingRemovals.inc({ reason }, count);
  };

  /** An input limit refused a request (signalling's `onLimit`); bound, so it can be passed as is. */
  readonly limitTripped = (limit: LimitName): void => {
    this.limitTrips.inc({ limit });
  };

  render(): Promise<string> {
    return this.registry.metrics();
  }
}

/** A call record store that counts every finished call it saves into `metrics` (once per call). */
export function meteredRecords<S extends CallRecordStore>(store: S, metrics: ServerMetrics): CallRecordStore {
  const counted = new Set<string>();
  return {
    async saveCall(record) {
      await store.saveCall(record);
      if (!isEnded(record) || counted.has(record.callId)) return;
      counted.add(record.callId);
      if (counted.size > 10_000) counted.delete(counted.values().next().value as string);
      metrics.recordCall(record);
    },
    query: (filter: CallRecordFilter) => store.query(filter),
    dispose: (callId, operatorId, disposition, notes) => store.dispose(callId, operatorId, disposition, notes),
  };
}
