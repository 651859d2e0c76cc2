/** The JSON shapes of the API, from domain values (epoch ms become ISO 8601 strings). */
import type { OperatorSnapshot, QueueKpis, QueueSnapshot } from '../routing';
import type { CallNotice, CallRecord, LiveCallView } from './deps';

export const iso = (ms: number) => new Date(ms).toISOString();
const seconds = (ms: number | null) => (ms === null ? null : Math.round(ms / 100) / 10);

export interface StateJson {
  status: string;
  reason?: string;
  since: string;
  /** In wrap-up: when it ends (ISO 8601), and how long that is from the moment of the answer. */
  wrapUpEndsAt?: string;
  wrapUpLeftMs?: number;
}

/** `now` (epoch ms) is when the answer leaves: `wrapUpLeftMs` counts from it. */
export function stateJson(s: { status: string; reason?: string; since: number; wrapUpEndsAt?: number }, now: number): StateJson {
  const wrapUp = s.status === 'wrap-up' && s.wrapUpEndsAt !== undefined
    ? { wrapUpEndsAt: iso(s.wrapUpEndsAt), wrapUpLeftMs: Math.max(0, s.wrapUpEndsAt - now) }
    : {};
  return { status: s.status, ...(s.reason !== undefined ? { reason: s.reason } : {}), since: iso(s.since), ...wrapUp };
}

export function operatorStateJson(op: OperatorSnapshot | undefined, at: number): StateJson {
  if (!op) return { status: 'offline', since: iso(at) };
  return stateJson({
    status: op.state, ...(op.reason !== undefined ? { reason: op.reason } : {}), since: op.since,
    ...(op.wrapUpEndsAt !== undefined ? { wrapUpEndsAt: op.wrapUpEndsAt } : {}),
  }, at);
}


export function callNoticeJson(n: CallNotice) {
  return { callId: n.callId, phase: n.phase, queue: n.queue, caller: n.caller, waitSeconds: n.waitSeconds, ...(n.digit ? { digit: n.digit } : {}) };
}

export function liveCallJson(c: LiveCallView) {
  return {
    callId: c.callId, queue: c.queue, caller: c.caller, state: c.state,
    ...(c.operatorId !== undefined ? { operatorId: c.operatorId } : {}),
    since: iso(c.since),
  };
}

/** One step of a call's life, as the API shows it (times in ISO 8601). */
export function segmentJson(s: CallRecord['segments'][number]) {
  return {
    seq: s.seq, kind: s.kind, startedAt: iso(s.startedAt),
    ...(s.endedAt !== undefined ? { endedAt: iso(s.endedAt) } : {}),
    ...(s.queue !== undefined ? { queue: s.queue } : {}),
    ...(s.operatorId !== undefined ? { operatorId: s.operatorId } : {}),
    ...(s.result !== undefined ? { result: s.result } : {}),
    ...(s.target !== undefined ? { target: s.target } : {}),
  };
}

export function recordJson(r: CallRecord) {
  return {
    callId: r.callId, queue: r.queue, trunkId: r.trunkId, caller: r.caller, number: r.number,
    ...(r.operatorId !== undefined ? { operatorId: r.operatorId } : {}),
    outcome: r.outcome,
    arrivedAt: iso(r.arrivedAt),
    ...(r.answeredAt !== undefined ? { answeredAt: iso(r.answeredAt) } : {}),
    endedAt: iso(r.endedAt),
    waitSeconds: r.waitSeconds,
    talkSeconds: r.talkSeconds,
    holdSeconds: r.holdSeconds,
    segments: r.segments.map(segmentJson),
    ...(r.disposition !== undefined ? { disposition: r.disposition } : {}),
    ...(r.notes !== undefined ? { notes: r.notes } : {}),
  };
}

const NO_KPIS: QueueKpis = {
  offered: 0, answered: 0, abandoned: 0, overflowed: 0, rejected: 0, answeredWithinThreshold: 0, abandonedWithinThreshold: 0,
  serviceLevel: null, averageSpeedOfAnswerMs: null, averageHandleTimeMs: null, occupancy: null,
};

export function queueJson(q: QueueSnapshot, kpis: QueueKpis | undefined) {
  const k = kpis ?? NO_KPIS;
  return {
    id: q.id,
    strategy: q.strategy,
    waiting: q.waiting.length,
    longestWaitSeconds: seconds(q.longestWaitMs),
    offered: q.offered,
    onCall: q.onCall,
    operators: q.operators,
    today: {
      offered: k.offered,
      answered: k.answered,
      abandoned: k.abandoned,
      overflowed: k.overflowed,
      rejected: k.rejected,
      serviceLevel: k.serviceLevel,
      averageSpeedOfAnswerSeconds: seconds(k.averageSpeedOfAnswerMs),
      averageHandleTimeSeconds: seconds(k.averageHandleTimeMs),
      occupancy: k.occupancy,
    },
  };
}
