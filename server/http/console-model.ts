/**
 * What the supervisor console shows, as rows keyed by id: queues (waiting calls, longest wait,
 * today's service level against its target), operators (state, reason, time in state, current
 * call) and live calls. Built from one routing snapshot, today's KPIs and the calls layer's live
 * calls; times are ISO 8601 so the page counts time in state and waits itself (nothing here
 * changes with the clock alone, so a row is sent again only when it really changed).
 */
import { isDirectQueue } from '../calls/direct-queues';
import { calendarInterval, type QueueSnapshot } from '../routing';
import { seesQueue, type Viewer } from './access';
import type { AppContext } from './context';
import type { LiveCallView } from './deps';
import { iso } from './present';

export interface ConsoleWaitingCall {
  /** The routing id of the queue visit: what the actions name. */
  callId: string;
  caller?: string;
  priority: number;
  position: number;
  /** When the call entered this queue. */
  since: string;
}

export interface ConsoleQueue {
  id: string;
  waiting: ConsoleWaitingCall[];
  ringing: number;
  onCall: number;
  /** Member operators by state. */
  operators: Record<string, number>;
  serviceLevelSeconds: number;
  /** Share (0..1) the centre aims for. */
  serviceLevelTarget: number;
  today: { offered: number; answered: number; abandoned: number; serviceLevel: number | null };
}

export interface ConsoleOperator {
  id: string;
  name: string;
  state: string;
  reason?: string;
  since: string;
  queues: string[];
  /** The live call they ring for or talk on. */
  call?: { callId: string; caller: string; queue: string; state: string; since: string; held?: boolean };
}

export interface ConsoleCall {
  callId: string;
  visitId?: string;
  queue: string;
  caller: string;
  state: string;
  operatorId?: string;
  held?: boolean;
  since: string;
}

export interface ConsoleModel {
  at: number;
  queues: ConsoleQueue[];
  operators: ConsoleOperator[];
  calls: ConsoleCall[];
}

const DEFAULT_SERVICE_LEVEL_TARGET = 0.8;

function callJson(c: LiveCallView): ConsoleCall {
  return {
    callId: c.callId, ...(c.visitId !== undefined ? { visitId: c.visitId } : {}), queue: c.queue, caller: c.caller, state: c.state,
    ...(c.operatorId !== undefined ? { operatorId: c.operatorId } : {}), ...(c.held ? { held: true } : {}), since: iso(c.since),
  };
}

/** The whole console (every queue but the operators' direct ones): filtered per viewer by `scopeModel`. */
export async function buildConsoleModel(ctx: AppContext): Promise<ConsoleModel> {
  const { deps } = ctx;
  const interval = calendarInterval(deps.now(), 'day', { utcOffsetMs: ctx.utcOffsetMs });
  const [snapshot, report] = await Promise.all([deps.acd.snapshot(), deps.acd.report(interval)]);
  const live = deps.calls.live();
  const byVisit = new Map(live.filter((c) => c.visitId !== undefined).map((c) => [c.visitId as string, c]));
  const settings = new Map((deps.queueTargets ?? []).map((q) => [q.id, q]));
  const queues = snapshot.queues.filter((q) => !isDirectQueue(q.id)).map((q: QueueSnapshot): ConsoleQueue => {
    const k = report.queues[q.id];
    const s = settings.get(q.id);
    return {
      id: q.id,
      waiting: q.waiting.map((w) => {
        const caller = byVisit.get(w.callId)?.caller;
        return { callId: w.callId, ...(caller !== undefined ? { caller } : {}), priority: w.priority, position: w.position, since: iso(snapshot.at - w.waitedMs) };
      }),
      ringing: q.offered,
      onCall: q.onCall,
      operators: q.operators,
      serviceLevelSeconds: (s?.serviceLevelMs ?? 20_000) / 1000,
      serviceLevelTarget: s?.serviceLevelTarget ?? DEFAULT_SERVICE_LEVEL_TARGET,
      today: { offered: k?.offered ?? 0, answered: k?.answered ?? 0, abandoned: k?.abandoned ?? 0, serviceLevel: k?.serviceLevel ?? null },
    };
  });
  const byOperator = new Map(live.filter((c) => c.operatorId !== undefined).map((c) => [c.operatorId as string, c]));
  const ringingFor = new Map<string, LiveCallView>();
  for (const c of live) if (c.state === 'ringing') for (const id of c.offeredTo ?? []) if (!ringingFor.has(id)) ringingFor.set(id, c);
  const operators = snapshot.operators.map((o): ConsoleOperator => {
    const c = byOperator.get(o.id) ?? (o.state === 'ringing' || o.state === 'reserved' ? ringingFor.get(o.id) : undefined);
    return {
      id: o.id,
      name: deps.operators.byId(o.id)?.name ?? o.id,
      state: o.state,
      ...(o.reason !== undefined ? { reason: o.reason } : {}),
      since: iso(o.since),
      queues: o.queues.filter((q) => !isDirectQueue(q)),
      ...(c ? { call: { callId: c.callId, caller: c.caller, queue: c.queue, state: c.state, since: iso(c.since), ...(c.held ? { held: true } : {}) } } : {}),
    };
  });
  return { at: snapshot.at, queues, operators, calls: live.map(callJson) };
}

/** What one viewer may see: a supervisor their queues, the operators in them and those queues' calls; an admin all. */
export function scopeModel(model: ConsoleModel, viewer: Viewer): ConsoleModel {
  if (viewer.role === 'admin') return model;
  const queues = model.queues.filter((q) => seesQueue(viewer, q.id));
  const operators = model.operators.filter((o) => o.queues.some((q) => seesQueue(viewer, q)));
  const seen = new Set(operators.map((o) => o.id));
  const calls = model.calls.filter((c) => seesQueue(viewer, c.queue) || (c.operatorId !== undefined && seen.has(c.operatorId)));
  return { at: model.at, queues, operators, calls };
}
