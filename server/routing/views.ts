import { effectiveRequirements } from './skills';
import type { AcdStateView, CallRecord, OperatorState, QueueRecord, SkillLevels, Strategy } from './types';

export interface WaitingCallView {
  callId: string;
  queueId: string;
  priority: number;
  /** 1-based place in the queue's order. */
  position: number;
  waitedMs: number;
  /** null when no operator of the queue is staffed (logged in and not paused). */
  expectedWaitMs: number | null;
  requirements: SkillLevels;
}

export interface QueueSnapshot {
  id: string;
  strategy: Strategy;
  waiting: WaitingCallView[];
  /** Calls ringing an operator right now. */
  offered: number;
  /** Calls talking to an operator. */
  onCall: number;
  /** Member operators by state. */
  operators: Record<OperatorState, number>;
  longestWaitMs: number;
  ahtMs: number;
}

export interface OperatorSnapshot {
  id: string;
  state: OperatorState;
  reason?: string;
  since: number;
  callId?: string;
  wrapUpEndsAt?: number;
  calls: number;
  talkMs: number;
  queues: string[];
}

export interface AcdSnapshot {
  at: number;
  queues: QueueSnapshot[];
  operators: OperatorSnapshot[];
}

const STAFFED: ReadonlySet<OperatorState> = new Set(['available', 'reserved', 'ringing', 'on-call', 'wrap-up']);

/**
 * Expected wait of the call at `position`: the calls ahead of it and itself, served by the staffed
 * operators in parallel, each taking the queue's average handle time. A deliberately simple estimate.
 */
export function expectedWaitMs(position: number, staffed: number, ahtMs: number): number | null {
  if (staffed <= 0) return null;
  return Math.round((position * ahtMs) / staffed);
}

function emptyCounts(): Record<OperatorState, number> {
  return { offline: 0, available: 0, paused: 0, reserved: 0, ringing: 0, 'on-call': 0, 'wrap-up': 0 };
}

/** Queue and operator views with positions and expected waits, from whatever a store read. */
export function buildSnapshot(view: AcdStateView, now: number): AcdSnapshot {
  const operators = new Map(view.operators.map((o) => [o.id, o]));
  const calls = new Map(view.calls.map((c) => [c.id, c]));
  const queues = view.queues.map((q) => queueSnapshot(q, operators, calls, view.calls, now));
  return {
    at: now,
    queues: queues.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
    operators: view.operators
      .map((o) => ({
        id: o.id,
        state: o.state,
        ...(o.reason !== undefined ? { reason: o.reason } : {}),
        since: o.since,
        ...(o.callId !== undefined ? { callId: o.callId } : {}),
        ...(o.wrapUpEndsAt !== undefined ? { wrapUpEndsAt: o.wrapUpEndsAt } : {}),
        calls: o.calls,
        talkMs: o.talkMs,
        queues: o.queues.map((m) => m.queue),
      }))
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
  };
}

function queueSnapshot(
  q: QueueRecord,
  operators: Map<string, AcdStateView['operators'][number]>,
  calls: Map<string, CallRecord>,
  allCalls: CallRecord[],
  now: number,
): QueueSnapshot {
  const counts = emptyCounts();
  for (const id of Object.keys(q.members)) {
    const op = operators.get(id);
    if (op) counts[op.state] += 1;
  }
  let staffed = 0;
  for (const state of STAFFED) staffed += counts[state];
  const aht = q.ahtMs ?? q.config.defaultHandleMs;
  const waiting: WaitingCallView[] = [];
  q.waiting.forEach((id, i) => {
    const call = calls.get(id);
    if (!call) return;
    waiting.push({
      callId: id,
      queueId: q.config.id,
      priority: call.priority,
      position: i + 1,
      waitedMs: now - call.enqueuedAt,
      expectedWaitMs: expectedWaitMs(i + 1, staffed, aht),
      requirements: effectiveRequirements(q.config, call, now),
    });
  });
  let offered = 0;
  let onCall = 0;
  for (const c of allCalls) {
    if (c.queueId !== q.config.id) continue;
    if (c.state === 'offered') offered++;
    else if (c.state === 'on-call') onCall++;
  }
  return {
    id: q.config.id,
    strategy: q.config.strategy,
    waiting,
    offered,
    onCall,
    operators: counts,
    longestWaitMs: waiting.reduce((m, w) => Math.max(m, w.waitedMs), 0),
    ahtMs: aht,
  };
}

/** The waiting view of one call, or null when it is not waiting (offered, on a call, or gone). */
export function waitingCallView(view: AcdStateView, callId: string, now: number): WaitingCallView | null {
  for (const q of buildSnapshot(view, now).queues) {
    const found = q.waiting.find((w) => w.callId === callId);
    if (found) return found;
  }
  return null;
}
