import { compareCalls } from './call-order';
import { nextCallState } from './call-state';
import { AppError } from './errors';
import { nextOperatorState, type OperatorAction } from './operator-state';
import { Prng } from './prng';
import { effectiveRequirements, meetsRequirements, nextRelaxationAt } from './skills';
import { selectOperators } from './strategies';
import { TimerQueue } from './timer-queue';
import type {
  CallCandidate,
  CallChoice,
  CallRecord,
  CommandContext,
  Explanation,
  OperatorRecord,
  OverflowReason,
  QueueConfig,
  RoutingEvent,
  WithdrawReason,
} from './types';

export interface QueueRuntime {
  config: QueueConfig;
  members: Record<string, number>;
  waiting: string[];
  rrLast?: string;
  ahtMs?: number;
}

/** One command in progress: its time, the events it produced, its token counter and generator. */
export class Run {
  readonly out: RoutingEvent[] = [];
  offers = 0;
  readonly prng: Prng;
  constructor(readonly ctx: CommandContext) {
    this.prng = new Prng(ctx.seed);
  }
  get now(): number {
    return this.ctx.now;
  }
  nextToken(): string {
    this.offers += 1;
    return `${this.ctx.tokenBase}.${this.offers}`;
  }
}

export const timerKey = {
  wrapUp: (operatorId: string) => `w|${operatorId}`,
  reservation: (callId: string) => `r|${callId}`,
  call: (callId: string) => `c|${callId}`,
};

/** The state and the moves shared by every command. Commands validate first, then call these. */
export class EngineCore {
  readonly queues = new Map<string, QueueRuntime>();
  readonly operators = new Map<string, OperatorRecord>();
  readonly calls = new Map<string, CallRecord>();
  readonly timerQueue = new TimerQueue();

  queue(id: string): QueueRuntime {
    const q = this.queues.get(id);
    if (!q) throw new AppError('ERR_UNKNOWN_QUEUE', `unknown queue ${id}`, { details: { queueId: id } });
    return q;
  }

  operator(id: string): OperatorRecord {
    const op = this.operators.get(id);
    if (!op) throw new AppError('ERR_UNKNOWN_OPERATOR', `unknown operator ${id}`, { details: { operatorId: id } });
    return op;
  }

  call(id: string): CallRecord {
    const call = this.calls.get(id);
    if (!call) throw new AppError('ERR_UNKNOWN_CALL', `unknown call ${id}`, { details: { callId: id } });
    return call;
  }

  setOperatorState(run: Run, op: OperatorRecord, action: OperatorAction, reason?: string): void {
    const from = op.state;
    const to = nextOperatorState(op.id, from, action);
    op.state = to;
    op.since = run.now;
    if (to === 'paused' && reason !== undefined) op.reason = reason;
    else delete op.reason;
    if (to !== 'reserved' && to !== 'ringing' && to !== 'on-call') {
      delete op.callId;
      delete op.token;
    }
    if (to !== 'wrap-up') {
      delete op.wrapUpEndsAt;
      if (from === 'wrap-up') this.timerQueue.delete(timerKey.wrapUp(op.id));
    }
    const event: RoutingEvent = { type: 'operator-state', at: run.now, operatorId: op.id, from, to };
    if (to === 'paused' && reason !== undefined) event.reason = reason;
    run.out.push(event);
  }

  /** Inserts a waiting call in queue order; returns its 1-based position. */
  insertWaiting(q: QueueRuntime, call: CallRecord): number {
    let lo = 0;
    let hi = q.waiting.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (compareCalls(this.calls.get(q.waiting[mid] as string) as CallRecord, call) < 0) lo = mid + 1;
      else hi = mid;
    }
    q.waiting.splice(lo, 0, call.id);
    return lo + 1;
  }

  removeWaiting(q: QueueRuntime, callId: string): void {
    const i = q.waiting.indexOf(callId);
    if (i >= 0) q.waiting.splice(i, 1);
  }

  /** The next time a waiting call needs attention: a skills relaxation step or its maximum wait. */
  armCallTimer(q: QueueRuntime, call: CallRecord, now: number): void {
    let due = nextRelaxationAt(q.config, call, now);
    if (q.config.maxWaitMs !== undefined) {
      const deadline = call.enqueuedAt + q.config.maxWaitMs;
      if (due === undefined || deadline < due) due = deadline;
    }
    if (due === undefined) this.timerQueue.delete(timerKey.call(call.id));
    else this.timerQueue.set(timerKey.call(call.id), due);
  }

  /** A call enters a queue: offered at once, queued, or overflowed when the queue is full. */
  enterQueue(run: Run, call: CallRecord, queueId: string): void {
    const q = this.queue(queueId);
    call.queueId = queueId;
    call.enqueuedAt = run.now;
    const choice = this.selectFor(run, q, call);
    if (!choice && q.config.maxLength !== undefined && q.waiting.length >= q.config.maxLength) {
      this.overflow(run, call, q, 'max-length');
      return;
    }
    this.calls.set(call.id, call);
    const position = this.insertWaiting(q, call);
    run.out.push({ type: 'call-queued', at: run.now, callId: call.id, queueId, priority: call.priority, position });
    if (choice) this.offer(run, call, q, choice.picked, choice);
    else this.armCallTimer(q, call, run.now);
  }

  /** Moves a call (already out of `q`'s waiting list) to the overflow target or rejects it. */
  overflow(run: Run, call: CallRecord, q: QueueRuntime, reason: OverflowReason): void {
    nextCallState(call.id, 'waiting', q.config.overflow === 'busy' ? 'reject' : 'overflow');
    this.timerQueue.delete(timerKey.call(call.id));
    if (q.config.overflow === 'busy') {
      this.calls.delete(call.id);
      run.out.push({ type: 'call-rejected', at: run.now, callId: call.id, queueId: q.config.id, reason });
      return;
    }
    const to = q.config.overflow.queue;
    run.out.push({ type: 'call-overflowed', at: run.now, callId: call.id, fromQueueId: q.config.id, toQueueId: to, reason });
    this.enterQueue(run, call, to);
  }

  selectFor(run: Run, q: QueueRuntime, call: CallRecord) {
    return selectOperators({
      queue: q.config,
      members: q.members,
      rrLast: q.rrLast,
      call,
      now: run.now,
      operator: (id) => this.operators.get(id),
      prng: run.prng,
    });
  }

  /** Reserves the call for the picked operators with a fresh token and an expiry. */
  offer(run: Run, call: CallRecord, q: QueueRuntime, picked: string[], explanation: Explanation): void {
    call.state = nextCallState(call.id, call.state, 'offer') as CallRecord['state'];
    const token = run.nextToken();
    call.token = token;
    call.operatorIds = [...picked];
    call.offeredAt = run.now;
    call.expiresAt = run.now + q.config.ringTimeoutMs;
    this.removeWaiting(q, call.id);
    this.timerQueue.delete(timerKey.call(call.id));
    this.timerQueue.set(timerKey.reservation(call.id), call.expiresAt);
    q.rrLast = picked[0];
    run.out.push({
      type: 'call-offered',
      at: run.now,
      callId: call.id,
      queueId: q.config.id,
      operatorIds: [...picked],
      token,
      expiresAt: call.expiresAt,
      explanation,
    });
    for (const id of picked) {
      const op = this.operator(id);
      this.setOperatorState(run, op, 'reserve');
      op.callId = call.id;
      op.token = token;
    }
  }

  claimForCall(run: Run, call: CallRecord, q: QueueRuntime): void {
    const choice = this.selectFor(run, q, call);
    if (choice) this.offer(run, call, q, choice.picked, choice);
  }

  /** An operator became free: the best call across their queues (fairness rule), if any. */
  claimForOperator(run: Run, op: OperatorRecord): void {
    if (op.state !== 'available') return;
    const candidates: CallCandidate[] = [];
    let best: CallRecord | undefined;
    const memberships = [...op.queues].sort((a, b) => (a.queue < b.queue ? -1 : a.queue > b.queue ? 1 : 0));
    for (const m of memberships) {
      const q = this.queues.get(m.queue);
      if (!q) continue;
      for (const callId of q.waiting) {
        const call = this.calls.get(callId) as CallRecord;
        if (!meetsRequirements(op.skills, effectiveRequirements(q.config, call, run.now))) continue;
        candidates.push({ callId, queueId: q.config.id, priority: call.priority, arrivedAt: call.arrivedAt });
        if (!best || compareCalls(call, best) < 0) best = call;
        break;
      }
    }
    if (!best) return;
    const q = this.queue(best.queueId);
    if (q.config.strategy === 'ring-all') {
      // ring every free member of the tier, not only the one who just became free
      const choice = this.selectFor(run, q, best);
      if (choice) return this.offer(run, best, q, choice.picked, choice);
    }
    candidates.sort((a, b) => compareCalls({ ...a, id: a.callId }, { ...b, id: b.callId }));
    const explanation: CallChoice = {
      kind: 'call-for-operator',
      rule: 'priority-then-longest-wait',
      operatorId: op.id,
      callId: best.id,
      queueId: best.queueId,
      candidates,
      summary: `priority-then-longest-wait picked ${best.id} in ${best.queueId} of ${candidates.length} queue heads`,
    };
    this.offer(run, best, q, [op.id], explanation);
  }

  /**
   * Takes one operator off a call's offer. `pause` is the pause reason (no-answer), or null to make
   * them available again. When nobody is left on the offer the call goes back to its queue.
   * Returns true when the call went back to waiting.
   */
  withdraw(run: Run, call: CallRecord, op: OperatorRecord, reason: WithdrawReason, pause: string | null): boolean {
    const q = this.queue(call.queueId);
    run.out.push({ type: 'offer-withdrawn', at: run.now, callId: call.id, queueId: q.config.id, operatorId: op.id, token: call.token as string, reason });
    if (pause !== null) this.setOperatorState(run, op, 'no-answer', pause);
    else if (reason === 'operator-logout') this.setOperatorState(run, op, 'force-logout');
    else this.setOperatorState(run, op, 'release');
    if (reason === 'no-answer' && pause === null) op.idleSince = run.now;
    call.operatorIds = (call.operatorIds ?? []).filter((id) => id !== op.id);
    if (call.operatorIds.length > 0) return false;
    this.returnToQueue(run, call, q);
    return true;
  }

  returnToQueue(run: Run, call: CallRecord, q: QueueRuntime): void {
    call.state = nextCallState(call.id, call.state, 'return') as CallRecord['state'];
    delete call.token;
    delete call.operatorIds;
    delete call.offeredAt;
    delete call.expiresAt;
    this.timerQueue.delete(timerKey.reservation(call.id));
    const position = this.insertWaiting(q, call);
    run.out.push({ type: 'call-returned', at: run.now, callId: call.id, queueId: q.config.id, position });
    this.armCallTimer(q, call, run.now);
  }

  /** Operators released from an offer may take another call; in id order, so both adapters agree. */
  claimForReleased(run: Run, ids: string[]): void {
    for (const id of [...ids].sort()) {
      const op = this.operators.get(id);
      if (op) this.claimForOperator(run, op);
    }
  }
}
