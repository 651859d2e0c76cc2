/**
 * The console's data on the page: rows by id, replaced by each `snapshot` (the first message of
 * every connection, so a reconnect starts from the server's truth) and patched by `update`s.
 * Pure: no DOM, no network.
 */

export interface WaitingCall {
  callId: string;
  caller?: string;
  priority: number;
  position: number;
  /** Epoch ms the call entered the queue. */
  since: number;
}

export interface QueueRow {
  id: string;
  waiting: WaitingCall[];
  ringing: number;
  onCall: number;
  operators: Record<string, number>;
  serviceLevelSeconds: number;
  serviceLevelTarget: number;
  today: { offered: number; answered: number; abandoned: number; serviceLevel: number | null };
}

export interface OperatorRow {
  id: string;
  name: string;
  state: string;
  reason?: string;
  since: number;
  queues: string[];
  call?: { callId: string; caller: string; queue: string; state: string; since: number; held?: boolean };
}

export interface CallRow {
  callId: string;
  visitId?: string;
  queue: string;
  caller: string;
  state: string;
  operatorId?: string;
  held?: boolean;
  since: number;
}

type Json = Record<string, unknown>;
const time = (v: unknown) => (typeof v === 'string' ? Date.parse(v) : NaN);
const str = (v: unknown) => (typeof v === 'string' ? v : '');
const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
const list = (v: unknown): Json[] => (Array.isArray(v) ? v.filter((x): x is Json => typeof x === 'object' && x !== null) : []);

function queueRow(q: Json): QueueRow {
  const today = (q.today ?? {}) as Json;
  return {
    id: str(q.id),
    waiting: list(q.waiting).map((w) => ({
      callId: str(w.callId), ...(typeof w.caller === 'string' ? { caller: w.caller } : {}), priority: num(w.priority), position: num(w.position), since: time(w.since),
    })),
    ringing: num(q.ringing),
    onCall: num(q.onCall),
    operators: (q.operators ?? {}) as Record<string, number>,
    serviceLevelSeconds: num(q.serviceLevelSeconds),
    serviceLevelTarget: num(q.serviceLevelTarget),
    today: { offered: num(today.offered), answered: num(today.answered), abandoned: num(today.abandoned), serviceLevel: typeof today.serviceLevel === 'number' ? today.serviceLevel : null },
  };
}

function operatorRow(o: Json): OperatorRow {
  const c = o.call as Json | undefined;
  return {
    id: str(o.id), name: str(o.name) || str(o.id), state: str(o.state), ...(typeof o.reason === 'string' ? { reason: o.reason } : {}), since: time(o.since),
    queues: Array.isArray(o.queues) ? o.queues.map(String) : [],
    ...(c ? { call: { callId: str(c.callId), caller: str(c.caller), queue: str(c.queue), state: str(c.state), since: time(c.since), ...(c.held === true ? { held: true } : {}) } } : {}),
  };
}

function callRow(c: Json): CallRow {
  return {
    callId: str(c.callId), ...(typeof c.visitId === 'string' ? { visitId: c.visitId } : {}), queue: str(c.queue), caller: str(c.caller), state: str(c.state),
    ...(typeof c.operatorId === 'string' ? { operatorId: c.operatorId } : {}), ...(c.held === true ? { held: true } : {}), since: time(c.since),
  };
}

const byKey = <T>(key: (t: T) => string) => (a: T, b: T) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);

export class ConsoleState {
  readonly queues = new Map<string, QueueRow>();
  readonly operators = new Map<string, OperatorRow>();
  readonly calls = new Map<string, CallRow>();
  /** Whether a snapshot arrived on the current connection (updates before it are ignored). */
  ready = false;

  snapshot(data: unknown): void {
    const d = data as Json;
    this.queues.clear();
    this.operators.clear();
    this.calls.clear();
    for (const q of list(d.queues)) this.queues.set(str(q.id), queueRow(q));
    for (const o of list(d.operators)) this.operators.set(str(o.id), operatorRow(o));
    for (const c of list(d.calls)) this.calls.set(str(c.callId), callRow(c));
    this.ready = true;
  }

  update(data: unknown): void {
    if (!this.ready) return;
    const d = data as Json;
    for (const q of list(d.queues)) this.queues.set(str(q.id), queueRow(q));
    for (const o of list(d.operators)) this.operators.set(str(o.id), operatorRow(o));
    for (const c of list(d.calls)) this.calls.set(str(c.callId), callRow(c));
    for (const id of list2(d.removedQueues)) this.queues.delete(id);
    for (const id of list2(d.removedOperators)) this.operators.delete(id);
    for (const id of list2(d.removedCalls)) this.calls.delete(id);
  }

  /** The connection dropped: what is shown is stale until the next snapshot. */
  disconnected(): void {
    this.ready = false;
  }

  sortedQueues(): QueueRow[] {
    return [...this.queues.values()].sort(byKey((q) => q.id));
  }

  sortedOperators(): OperatorRow[] {
    return [...this.operators.values()].sort(byKey((o) => o.name.toLowerCase()));
  }

  sortedCalls(): CallRow[] {
    return [...this.calls.values()].sort((a, b) => a.since - b.since);
  }
}

function list2(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** The longest wait in a queue now (ms), 0 when nobody waits. */
export function longestWaitMs(q: QueueRow, now: number): number {
  return q.waiting.reduce((m, w) => Math.max(m, now - w.since), 0);
}
