import type { Interval } from './intervals';
import type { OperatorState, RoutingEvent } from './types';

export const DEFAULT_SERVICE_LEVEL_MS = 20_000;

export interface QueueKpis {
  /** Calls that entered the queue (first entry and overflow in; a return after no-answer is not counted again). */
  offered: number;
  answered: number;
  abandoned: number;
  overflowed: number;
  rejected: number;
  answeredWithinThreshold: number;
  abandonedWithinThreshold: number;
  /** answeredWithinThreshold / (answered + abandoned after the threshold); null without such calls. */
  serviceLevel: number | null;
  averageSpeedOfAnswerMs: number | null;
  /** Talk plus wrap-up of calls whose wrap-up ended in the interval. */
  averageHandleTimeMs: number | null;
  /** Busy time on this queue's calls / (that + idle time of the queue's members); null without staffed time. */
  occupancy: number | null;
}

export interface OperatorKpis {
  offered: number;
  answered: number;
  /** Offers that rang out (no-answer). */
  missed: number;
  /** Callers who hung up while this operator's phone rang. */
  abandoned: number;
  averageHandleTimeMs: number | null;
  talkMs: number;
  /** Time reserved, ringing, on a call or in wrap-up / that + available time; paused and offline are not counted. */
  occupancy: number | null;
}

export interface KpiReport extends Interval {
  queues: Record<string, QueueKpis>;
  operators: Record<string, OperatorKpis>;
}

export interface KpiReportOptions {
  /** Service level threshold per queue (default 20 s). */
  serviceLevelMs?: Record<string, number>;
  /** Queue → member operator ids, for queue occupancy. */
  members?: Record<string, string[]>;
}

interface Segment {
  operatorId: string;
  state: OperatorState;
  queueId?: string;
  from: number;
  to?: number;
}

const BUSY: ReadonlySet<OperatorState> = new Set(['reserved', 'ringing', 'on-call', 'wrap-up']);

/**
 * KPIs computed from routing events. Facts are kept with their time, so any rolling or calendar
 * interval can be reported; facts older than `retentionMs` are dropped.
 */
export class KpiCalculator {
  private entries: Array<{ at: number; queueId: string }> = [];
  private answers: Array<{ at: number; queueId: string; operatorId: string; waitedMs: number }> = [];
  private abandons: Array<{ at: number; queueId: string; waitedMs: number; operatorIds: string[] }> = [];
  private overflows: Array<{ at: number; queueId: string }> = [];
  private rejects: Array<{ at: number; queueId: string }> = [];
  private handles: Array<{ at: number; queueId: string; operatorId: string; handleMs: number; talkMs: number }> = [];
  private offers: Array<{ at: number; operatorId: string }> = [];
  private misses: Array<{ at: number; operatorId: string }> = [];
  private segments: Segment[] = [];
  private readonly open = new Map<string, Segment>();
  private readonly offeredTo = new Map<string, string[]>();
  private readonly pendingWrapUp = new Map<string, { queueId: string; talkMs: number; at: number }>();
  private readonly opQueue = new Map<string, string>();

  constructor(private readonly retentionMs = 8 * 24 * 3_600_000) {}

  record(event: RoutingEvent): void {
    switch (event.type) {
      case 'call-queued':
        this.entries.push({ at: event.at, queueId: event.queueId });
        break;
      case 'call-overflowed':
      case 'call-moved':
        this.overflows.push({ at: event.at, queueId: event.fromQueueId });
        break;
      case 'call-rejected':
        this.rejects.push({ at: event.at, queueId: event.queueId });
        break;
      case 'call-offered':
        this.offeredTo.set(event.callId, [...event.operatorIds]);
        for (const id of event.operatorIds) {
          this.offers.push({ at: event.at, operatorId: id });
          this.opQueue.set(id, event.queueId);
        }
        break;
      case 'offer-withdrawn':
        if (event.reason === 'no-answer') this.misses.push({ at: event.at, operatorId: event.operatorId });
        break;
      case 'call-answered':
        this.answers.push({ at: event.at, queueId: event.queueId, operatorId: event.operatorId, waitedMs: event.waitedMs });
        this.offeredTo.delete(event.callId);
        break;
      case 'call-abandoned':
        this.abandons.push({ at: event.at, queueId: event.queueId, waitedMs: event.waitedMs, operatorIds: this.offeredTo.get(event.callId) ?? [] });
        this.offeredTo.delete(event.callId);
        break;
      case 'call-returned':
        this.offeredTo.delete(event.callId);
        break;
      case 'call-completed':
        if (event.wrapUpMs > 0) this.pendingWrapUp.set(event.operatorId, { queueId: event.queueId, talkMs: event.talkMs, at: event.at });
        else this.handles.push({ at: event.at, queueId: event.queueId, operatorId: event.operatorId, handleMs: event.talkMs, talkMs: event.talkMs });
        break;
      case 'operator-state':
        this.stateChange(event);
        break;
      default:
        break;
    }
    this.prune(event.at - this.retentionMs);
  }

  private stateChange(event: Extract<RoutingEvent, { type: 'operator-state' }>): void {
    const current = this.open.get(event.operatorId);
    if (current) current.to = event.at;
    if (event.from === 'wrap-up') {
      const pending = this.pendingWrapUp.get(event.operatorId);
      if (pending) {
        this.handles.push({ at: event.at, queueId: pending.queueId, operatorId: event.operatorId, handleMs: pending.talkMs + event.at - pending.at, talkMs: pending.talkMs });
        this.pendingWrapUp.delete(event.operatorId);
      }
    }
    if (event.to === 'offline') {
      this.open.delete(event.operatorId);
      return;
    }
    const segment: Segment = { operatorId: event.operatorId, state: event.to, from: event.at };
    const queueId = this.opQueue.get(event.operatorId);
    if (BUSY.has(event.to) && queueId !== undefined) segment.queueId = queueId;
    this.segments.push(segment);
    this.open.set(event.operatorId, segment);
  }

  private prune(before: number): void {
    const keep = <T extends { at: number }>(list: T[]) => (list.length > 0 && (list[0] as T).at < before ? list.filter((f) => f.at >= before) : list);
    this.entries = keep(this.entries);
    this.answers = keep(this.answers);
    this.abandons = keep(this.abandons);
    this.overflows = keep(this.overflows);
    this.rejects = keep(this.rejects);
    this.handles = keep(this.handles);
    this.offers = keep(this.offers);
    this.misses = keep(this.misses);
    if (this.segments.length > 0 && (this.segments[0] as Segment).to !== undefined && ((this.segments[0] as Segment).to as number) < before) {
      this.segments = this.segments.filter((s) => s.to === undefined || s.to >= before);
    }
  }

  /** Figures for [from, to); open operator states count up to `now`. */
  report(interval: Interval, now: number, options: KpiReportOptions = {}): KpiReport {
    const inside = (at: number) => at >= interval.from && at < interval.to;
    const queues: Record<string, QueueKpis> = {};
    const operators: Record<string, OperatorKpis> = {};
    const q = (id: string) => (queues[id] ??= emptyQueue());
    const o = (id: string) => (operators[id] ??= emptyOperator());
    const threshold = (id: string) => options.serviceLevelMs?.[id] ?? DEFAULT_SERVICE_LEVEL_MS;
    const sums = new Map<string, { asa: number; aht: number; handled: number }>();
    const sum = (key: string) => sums.get(key) ?? (sums.set(key, { asa: 0, aht: 0, handled: 0 }).get(key) as { asa: number; aht: number; handled: number });

    for (const f of this.entries) if (inside(f.at)) q(f.queueId).offered++;
    for (const f of this.overflows) if (inside(f.at)) q(f.queueId).overflowed++;
    for (const f of this.rejects) if (inside(f.at)) q(f.queueId).rejected++;
    for (const f of this.answers) {
      if (!inside(f.at)) continue;
      const k = q(f.queueId);
      k.answered++;
      if (f.waitedMs <= threshold(f.queueId)) k.answeredWithinThreshold++;
      sum(`q:${f.queueId}`).asa += f.waitedMs;
      o(f.operatorId).answered++;
    }
    for (const f of this.abandons) {
      if (!inside(f.at)) continue;
      const k = q(f.queueId);
      k.abandoned++;
      if (f.waitedMs <= threshold(f.queueId)) k.abandonedWithinThreshold++;
      for (const id of f.operatorIds) o(id).abandoned++;
    }
    for (const f of this.handles) {
      if (!inside(f.at)) continue;
      const qs = sum(`q:${f.queueId}`);
      qs.aht += f.handleMs;
      qs.handled++;
      const os = sum(`o:${f.operatorId}`);
      os.aht += f.handleMs;
      os.handled++;
      o(f.operatorId).talkMs += f.talkMs;
    }
    for (const f of this.offers) if (inside(f.at)) o(f.operatorId).offered++;
    for (const f of this.misses) if (inside(f.at)) o(f.operatorId).missed++;

    const busyByOp = new Map<string, number>();
    const idleByOp = new Map<string, number>();
    const busyByQueue = new Map<string, number>();
    for (const s of this.segments) {
      const from = Math.max(s.from, interval.from);
      const to = Math.min(s.to ?? now, interval.to, now);
      if (to <= from) continue;
      const ms = to - from;
      if (BUSY.has(s.state)) {
        busyByOp.set(s.operatorId, (busyByOp.get(s.operatorId) ?? 0) + ms);
        if (s.queueId !== undefined) busyByQueue.set(s.queueId, (busyByQueue.get(s.queueId) ?? 0) + ms);
      } else if (s.state === 'available') {
        idleByOp.set(s.operatorId, (idleByOp.get(s.operatorId) ?? 0) + ms);
      }
    }
    for (const id of new Set([...busyByOp.keys(), ...idleByOp.keys()])) {
      const busy = busyByOp.get(id) ?? 0;
      const idle = idleByOp.get(id) ?? 0;
      o(id).occupancy = busy + idle > 0 ? busy / (busy + idle) : null;
    }
    for (const [queueId, members] of Object.entries(options.members ?? {})) {
      const busy = busyByQueue.get(queueId) ?? 0;
      const idle = members.reduce((acc, id) => acc + (idleByOp.get(id) ?? 0), 0);
      if (busy + idle > 0) q(queueId).occupancy = busy / (busy + idle);
    }

    for (const [id, k] of Object.entries(queues)) {
      const s = sums.get(`q:${id}`);
      const denominator = k.answered + (k.abandoned - k.abandonedWithinThreshold);
      k.serviceLevel = denominator > 0 ? k.answeredWithinThreshold / denominator : null;
      k.averageSpeedOfAnswerMs = k.answered > 0 && s ? s.asa / k.answered : null;
      k.averageHandleTimeMs = s && s.handled > 0 ? s.aht / s.handled : null;
    }
    for (const [id, k] of Object.entries(operators)) {
      const s = sums.get(`o:${id}`);
      k.averageHandleTimeMs = s && s.handled > 0 ? s.aht / s.handled : null;
    }
    return { ...interval, queues, operators };
  }
}

function emptyQueue(): QueueKpis {
  return {
    offered: 0,
    answered: 0,
    abandoned: 0,
    overflowed: 0,
    rejected: 0,
    answeredWithinThreshold: 0,
    abandonedWithinThreshold: 0,
    serviceLevel: null,
    averageSpeedOfAnswerMs: null,
    averageHandleTimeMs: null,
    occupancy: null,
  };
}

function emptyOperator(): OperatorKpis {
  return { offered: 0, answered: 0, missed: 0, abandoned: 0, averageHandleTimeMs: null, talkMs: 0, occupancy: null };
}
