/**
 * Restart recovery. Every instance keeps a heartbeat in the routing store; calls carry the id of the
 * instance whose process holds their legs, and bindings over connections (WS, TCP, TLS) carry the
 * instance whose SIP engine holds them.
 *
 * - At start, before it takes calls or REGISTERs, an instance writes its heartbeat and recovers
 *   its own id: whatever a previous run of the same id left (it was killed) is dead.
 * - Every `heartbeatMs` it refreshes its heartbeat (valid for `ttlMs`) and recovers each peer whose
 *   heartbeat ran out (checked and acted on atomically by the store, so a peer that came back or
 *   that another peer recovered first is left alone).
 *
 * Recovering an instance: its calls leave routing (waiting and ringing ones abandoned, answered ones
 * completed), their operators are paused with reason `recovered` (they resume when ready, like after
 * any pause), bindings over its connections are removed, and its calls still open in the record
 * store are closed as interrupted. The record store's own start (open-records) does the last step
 * for the instance's own id.
 */
import { RECOVERED_REASON, type CommandResult, type RoutingEvent } from '../routing';

export interface InstanceRecoveryLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export interface InstanceRecoveryOptions {
  instanceId: string;
  heartbeatMs: number;
  ttlMs: number;
  now: () => number;
  routing: {
    heartbeat(instanceId: string, aliveUntil: number): Promise<void>;
    expiredInstances(): Promise<string[]>;
    recoverInstance(instanceId: string, options?: { onlyIfExpired?: boolean }): Promise<Pick<CommandResult, 'events'>>;
  };
  bindings: { removeInstance(instanceId: string): Promise<number> };
  /** Closes the instance's open call records as interrupted (absent: records are not kept here). */
  records?: { closeInterrupted(instanceId: string, now: number): Promise<number> };
  log: InstanceRecoveryLogger;
  /** Calls taken out of routing and operators released (paused, reason `recovered`), for metrics. */
  onRecovered?: (counts: { calls: number; operators: number }) => void;
}

export interface RecoveryReport {
  instanceId: string;
  calls: number;
  bindings: number;
  records: number;
}

/** Operators the recovery released from the dead instance's calls (paused with reason `recovered`). */
const released = (events: RoutingEvent[]): number =>
  new Set(events.flatMap((e) => (e.type === 'operator-state' && e.reason === RECOVERED_REASON ? [e.operatorId] : []))).size;

const recovered = (events: RoutingEvent[]) => events.find((e): e is Extract<RoutingEvent, { type: 'instance-recovered' }> => e.type === 'instance-recovered');

export class InstanceRecovery {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly options: InstanceRecoveryOptions) {}

  /** Heartbeat, then this instance's own leftovers; throws if the store cannot be reached. */
  async start(): Promise<RecoveryReport> {
    const o = this.options;
    await o.routing.heartbeat(o.instanceId, o.now() + o.ttlMs);
    const { events } = await o.routing.recoverInstance(o.instanceId);
    const report = { instanceId: o.instanceId, calls: recovered(events)?.calls ?? 0, bindings: await o.bindings.removeInstance(o.instanceId), records: 0 };
    o.onRecovered?.({ calls: report.calls, operators: released(events) });
    if (report.calls > 0 || report.bindings > 0) o.log.warn({ ...report }, 'recovered what a previous run of this instance left');
    return report;
  }

  /** Refreshes the heartbeat and recovers dead peers every `heartbeatMs`. */
  run(): void {
    if (this.timer || this.stopped) return;
    this.timer = setInterval(() => {
      if (this.running) return; // the previous round is still waiting for the store
      this.running = this.check()
        .then((reports) => {
          for (const r of reports) this.options.log.warn({ ...r }, 'recovered a dead instance');
        })
        .catch((err: unknown) => this.options.log.warn({ err }, 'instance heartbeat or recovery failed: trying again next period'))
        .finally(() => {
          this.running = undefined;
        });
    }, this.options.heartbeatMs);
    this.timer.unref();
  }

  /** One round: heartbeat, then every peer whose heartbeat ran out. */
  async check(): Promise<RecoveryReport[]> {
    const o = this.options;
    await o.routing.heartbeat(o.instanceId, o.now() + o.ttlMs);
    const reports: RecoveryReport[] = [];
    for (const id of await o.routing.expiredInstances()) {
      if (id === o.instanceId) continue;
      const { events } = await o.routing.recoverInstance(id, { onlyIfExpired: true });
      const done = recovered(events);
      if (!done) continue; // came back, or another peer recovered it first
      o.onRecovered?.({ calls: done.calls, operators: released(events) });
      const bindings = await o.bindings.removeInstance(id);
      const records = o.records ? await o.records.closeInterrupted(id, o.now()) : 0;
      reports.push({ instanceId: id, calls: done.calls, bindings, records });
    }
    return reports;
  }

  /** Stops the timer and waits for a round in progress. The heartbeat stays until it runs out. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
