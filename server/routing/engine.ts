import { nextCallState } from './call-state';
import { mergeRoutingConfig, parseRoutingConfig, parseRoutingConfigChange } from './config-schema';
import { EngineCore, Run, timerKey, type QueueRuntime } from './engine-core';
import { AppError } from './errors';
import { nextOperatorState } from './operator-state';
import { assignCall, moveCall, setPriority } from './supervision';
import { DEVICE_UNREACHABLE_PAUSE, RECOVERED_REASON, type AcdCommand, type AcdStateView, type CallRecord, type CommandContext, type NoAnswerCause, type OperatorRecord, type RoutingConfig, type RoutingEvent } from './types';

/** Weight of the newest handle time in a queue's rolling average. */
export const AHT_WEIGHT = 0.2;

/**
 * The ACD in memory: synchronous and pure (time, tokens and randomness come in the context).
 * Each command validates everything first and only then changes state, so a thrown AppError
 * leaves the state as it was. The Redis adapter implements the same commands in Lua.
 */
export class RoutingEngine {
  private readonly core = new EngineCore();
  /** Instance id → the time its heartbeat runs out. */
  private readonly instances = new Map<string, number>();

  /** Adds or replaces queues and operators (upsert). The merged configuration is validated. */
  configure(input: unknown, now: number): void {
    const incoming = parseRoutingConfigChange(input);
    parseRoutingConfig(mergeRoutingConfig(this.currentConfig(), incoming));
    const { core } = this;
    const changed: QueueRuntime[] = [];
    for (const config of incoming.queues) {
      const q = core.queues.get(config.id);
      if (q) {
        q.config = config;
        changed.push(q);
      } else core.queues.set(config.id, { config, members: {}, waiting: [] });
    }
    for (const config of incoming.operators) {
      const existing = core.operators.get(config.id);
      if (existing) for (const m of existing.queues) delete (core.queues.get(m.queue) as QueueRuntime).members[config.id];
      const op: OperatorRecord = existing ?? { id: config.id, skills: {}, queues: [], state: 'offline', since: now, idleSince: now, calls: 0, talkMs: 0 };
      op.skills = { ...config.skills };
      op.queues = config.queues.map((m) => ({ ...m }));
      core.operators.set(op.id, op);
      for (const m of op.queues) (core.queues.get(m.queue) as QueueRuntime).members[op.id] = m.penalty;
    }
    for (const q of changed) for (const id of q.waiting) core.armCallTimer(q, core.call(id), now);
  }

  currentConfig(): RoutingConfig {
    return {
      queues: [...this.core.queues.values()].map((q) => q.config),
      operators: [...this.core.operators.values()].map((o) => ({ id: o.id, skills: o.skills, queues: o.queues })),
    };
  }

  execute(cmd: AcdCommand, ctx: CommandContext): RoutingEvent[] {
    const run = new Run(ctx);
    switch (cmd.kind) {
      case 'enqueue':
        this.enqueue(run, cmd);
        break;
      case 'login': {
        const op = this.core.operator(cmd.operatorId);
        nextOperatorState(op.id, op.state, cmd.pausedReason !== undefined ? 'login-paused' : 'login');
        op.calls = 0;
        op.talkMs = 0;
        op.idleSince = run.now;
        this.core.setOperatorState(run, op, cmd.pausedReason !== undefined ? 'login-paused' : 'login', cmd.pausedReason);
        this.core.claimForOperator(run, op);
        break;
      }
      case 'set-available': {
        const op = this.core.operator(cmd.operatorId);
        this.core.setOperatorState(run, op, 'resume');
        this.core.claimForOperator(run, op);
        break;
      }
      case 'pause': {
        const op = this.core.operator(cmd.operatorId);
        const from = op.state;
        this.core.setOperatorState(run, op, 'pause', cmd.reason);
        if (from === 'wrap-up') op.idleSince = run.now;
        break;
      }
      case 'logout':
        this.logout(run, cmd.operatorId, cmd.force === true);
        break;
      case 'end-wrap-up': {
        const op = this.core.operator(cmd.operatorId);
        this.endWrapUp(run, op);
        break;
      }
      case 'extend-wrap-up': {
        const op = this.core.operator(cmd.operatorId);
        if (op.state !== 'wrap-up') {
          throw new AppError('ERR_ILLEGAL_TRANSITION', `operator ${op.id}: cannot extend-wrap-up while ${op.state}`, {
            details: { operatorId: op.id, state: op.state, action: 'extend-wrap-up' },
          });
        }
        op.wrapUpEndsAt = (op.wrapUpEndsAt as number) + cmd.ms;
        this.core.timerQueue.set(timerKey.wrapUp(op.id), op.wrapUpEndsAt);
        run.out.push({ type: 'wrap-up-extended', at: run.now, operatorId: op.id, endsAt: op.wrapUpEndsAt });
        break;
      }
      case 'ringing': {
        const { call, op } = this.offerParties(cmd.callId, cmd.operatorId, cmd.token);
        if (op.state === 'ringing') break; // a repeated ringing report changes nothing
        this.core.setOperatorState(run, op, 'ring');
        op.callId = call.id;
        op.token = call.token as string;
        run.out.push({ type: 'offer-ringing', at: run.now, callId: call.id, operatorId: op.id, token: cmd.token });
        break;
      }
      case 'answered':
        this.answered(run, cmd.callId, cmd.operatorId, cmd.token);
        break;
      case 'no-answer': {
        const { call, op } = this.offerParties(cmd.callId, cmd.operatorId, cmd.token);
        this.noAnswer(run, call, op, cmd.cause);
        break;
      }
      case 'hangup':
        this.hangup(run, cmd.callId, false);
        break;
      case 'abandon':
        this.hangup(run, cmd.callId, true);
        break;
      case 'recover-instance': {
        const aliveUntil = this.instances.get(cmd.instanceId);
        if (cmd.onlyIfExpired === true) {
          if (aliveUntil === undefined || aliveUntil >= run.now) break;
          this.instances.delete(cmd.instanceId);
        }
        this.recoverInstance(run, cmd.instanceId);
        break;
      }
      case 'heartbeat':
        this.instances.set(cmd.instanceId, cmd.aliveUntil);
        break;
      case 'move-call':
        moveCall(this.core, run, cmd);
        break;
      case 'assign-call':
        assignCall(this.core, run, cmd);
        break;
      case 'set-priority':
        setPriority(this.core, run, cmd);
        break;
    }
    return run.out;
  }

  /** Runs every timer due at `ctx.now`: wrap-up ends, offer expiries, relaxation and maximum wait. */
  tick(ctx: CommandContext): RoutingEvent[] {
    const run = new Run(ctx);
    for (let guard = 0; guard < 1_000_000; guard++) {
      const timer = this.core.timerQueue.popDue(run.now);
      if (!timer) return run.out;
      this.fire(run, timer.key);
    }
    throw new Error('routing tick did not settle');
  }

  /** A copy of the state; with `queueIds`, only those queues, their member operators and their calls. */
  view(scope: { queueIds?: string[] } = {}): AcdStateView {
    const { core } = this;
    let queues = [...core.queues.values()];
    let operators = [...core.operators.values()];
    let calls = [...core.calls.values()];
    let timers = core.timerQueue.entries();
    if (scope.queueIds) {
      const ids = new Set(scope.queueIds);
      queues = queues.filter((q) => ids.has(q.config.id));
      const members = new Set(queues.flatMap((q) => Object.keys(q.members)));
      operators = operators.filter((o) => members.has(o.id));
      calls = calls.filter((c) => ids.has(c.queueId));
      const keys = new Set([...operators.map((o) => `w|${o.id}`), ...calls.flatMap((c) => [`r|${c.id}`, `c|${c.id}`])]);
      timers = timers.filter((t) => keys.has(t.key));
    }
    return structuredClone({
      queues: queues.map((q) => ({
        config: q.config,
        members: q.members,
        waiting: q.waiting,
        ...(q.rrLast !== undefined ? { rrLast: q.rrLast } : {}),
        ...(q.ahtMs !== undefined ? { ahtMs: q.ahtMs } : {}),
      })),
      operators,
      calls,
      timers,
    });
  }

  /** Instances whose heartbeat ran out before `now`, by id. */
  expiredInstances(now: number): string[] {
    return [...this.instances].filter(([, until]) => until < now).map(([id]) => id).sort();
  }

  callRecord(callId: string): CallRecord | undefined {
    const call = this.core.calls.get(callId);
    return call ? structuredClone(call) : undefined;
  }

  private enqueue(run: Run, cmd: Extract<AcdCommand, { kind: 'enqueue' }>): void {
    const { call: input } = cmd;
    this.core.queue(input.queueId);
    if (this.core.calls.has(input.id)) throw new AppError('ERR_DUPLICATE_CALL', `call ${input.id} is already in routing`, { details: { callId: input.id } });
    const call: CallRecord = {
      id: input.id,
      queueId: input.queueId,
      priority: input.priority ?? 0,
      arrivedAt: Math.min(input.arrivedAt ?? run.now, run.now),
      enqueuedAt: run.now,
      skills: { ...(input.skills ?? {}) },
      state: 'waiting',
      ...(input.instanceId !== undefined ? { instanceId: input.instanceId } : {}),
    };
    this.core.enterQueue(run, call, input.queueId);
  }

  /** The call and operator of an offer, checked: the token must be the call's current one. */
  private offerParties(callId: string, operatorId: string, token: string): { call: CallRecord; op: OperatorRecord } {
    const call = this.core.call(callId);
    const op = this.core.operator(operatorId);
    if (call.state !== 'offered' || call.token !== token || !(call.operatorIds ?? []).includes(operatorId) || op.token !== token) {
      throw new AppError('ERR_STALE_OFFER', `offer ${token} of call ${callId} to ${operatorId} is no longer current`, {
        details: { callId, operatorId, token },
      });
    }
    return { call, op };
  }

  private answered(run: Run, callId: string, operatorId: string, token: string): void {
    const { core } = this;
    const { call, op } = this.offerParties(callId, operatorId, token);
    nextOperatorState(op.id, op.state, 'answer');
    const others = (call.operatorIds as string[]).filter((id) => id !== op.id).sort();
    for (const id of others) {
      const other = core.operator(id);
      run.out.push({ type: 'offer-withdrawn', at: run.now, callId, queueId: call.queueId, operatorId: id, token, reason: 'answered-elsewhere' });
      core.setOperatorState(run, other, 'release');
    }
    core.setOperatorState(run, op, 'answer');
    op.callId = callId;
    op.token = token;
    call.state = nextCallState(callId, call.state, 'answer') as CallRecord['state'];
    call.operatorIds = [op.id];
    call.operatorId = op.id;
    call.answeredAt = run.now;
    delete call.expiresAt;
    core.timerQueue.delete(timerKey.reservation(callId));
    run.out.push({ type: 'call-answered', at: run.now, callId, queueId: call.queueId, operatorId: op.id, waitedMs: run.now - call.enqueuedAt });
    core.claimForReleased(run, others);
  }

  private noAnswer(run: Run, call: CallRecord, op: OperatorRecord, cause: NoAnswerCause = 'no-answer'): void {
    const q = this.core.queue(call.queueId);
    // failed: our own fault, no pause; unreachable: always paused (the call would ring the dead device
    // again); busy/declined: paused with that reason where the queue pauses after a missed offer
    const pause = cause === 'failed' ? null : cause === 'unreachable' ? DEVICE_UNREACHABLE_PAUSE
      : q.config.noAnswerPause === null ? null : cause === 'no-answer' ? q.config.noAnswerPause : cause;
    const returned = this.core.withdraw(run, call, op, 'no-answer', pause);
    if (returned) this.core.claimForCall(run, call, q);
    this.core.claimForOperator(run, op);
  }

  private hangup(run: Run, callId: string, abandonOnly: boolean): void {
    const { core } = this;
    const call = core.call(callId);
    const q = core.queue(call.queueId);
    if (call.state === 'on-call') {
      if (abandonOnly) nextCallState(callId, call.state, 'abandon');
      this.complete(run, call, q, false);
      return;
    }
    nextCallState(callId, call.state, 'abandon');
    const released = call.state === 'offered' ? [...(call.operatorIds as string[])].sort() : [];
    for (const id of released) {
      run.out.push({ type: 'offer-withdrawn', at: run.now, callId, queueId: q.config.id, operatorId: id, token: call.token as string, reason: 'abandoned' });
      core.setOperatorState(run, core.operator(id), 'release');
    }
    core.removeWaiting(q, callId);
    core.timerQueue.delete(timerKey.call(callId));
    core.timerQueue.delete(timerKey.reservation(callId));
    core.calls.delete(callId);
    run.out.push({ type: 'call-abandoned', at: run.now, callId, queueId: q.config.id, waitedMs: run.now - call.enqueuedAt });
    core.claimForReleased(run, released);
  }

  /** The call ends after an answer: the operator goes to the wrap-up of the call's own queue. */
  private complete(run: Run, call: CallRecord, q: QueueRuntime, forced: boolean): void {
    const { core } = this;
    const op = core.operator(call.operatorId as string);
    const talkMs = run.now - (call.answeredAt as number);
    const wrapUpMs = forced ? 0 : q.config.wrapUpMs;
    op.calls += 1;
    op.talkMs += talkMs;
    const sample = talkMs + wrapUpMs;
    q.ahtMs = q.ahtMs === undefined ? sample : Math.round(q.ahtMs + (sample - q.ahtMs) * AHT_WEIGHT);
    core.calls.delete(call.id);
    const event: RoutingEvent = { type: 'call-completed', at: run.now, callId: call.id, queueId: q.config.id, operatorId: op.id, talkMs, wrapUpMs };
    if (forced) event.forced = true;
    run.out.push(event);
    if (forced) return;
    if (wrapUpMs > 0) {
      core.setOperatorState(run, op, 'hangup');
      op.wrapUpEndsAt = run.now + wrapUpMs;
      core.timerQueue.set(timerKey.wrapUp(op.id), op.wrapUpEndsAt);
    } else {
      core.setOperatorState(run, op, 'hangup-no-wrap-up');
      op.idleSince = run.now;
      core.claimForOperator(run, op);
    }
  }

  private endWrapUp(run: Run, op: OperatorRecord): void {
    this.core.setOperatorState(run, op, 'end-wrap-up');
    op.idleSince = run.now;
    this.core.claimForOperator(run, op);
  }

  private logout(run: Run, operatorId: string, force: boolean): void {
    const { core } = this;
    const op = core.operator(operatorId);
    nextOperatorState(op.id, op.state, force ? 'force-logout' : 'logout');
    if (op.state === 'reserved' || op.state === 'ringing') {
      const call = core.call(op.callId as string);
      const q = core.queue(call.queueId);
      if (core.withdraw(run, call, op, 'operator-logout', null)) core.claimForCall(run, call, q);
      return;
    }
    if (op.state === 'on-call') {
      const call = core.call(op.callId as string);
      this.complete(run, call, core.queue(call.queueId), true);
    }
    core.setOperatorState(run, op, force ? 'force-logout' : 'logout');
  }

  /**
   * The calls of a dead instance leave routing in call-id order: a waiting call is abandoned, an
   * offered one is abandoned with its operators paused (RECOVERED_REASON), an answered one is
   * completed (`forced`, no wrap-up) and its operator paused. A paused operator claims nothing, so
   * nobody is offered a call until they say they are ready again.
   */
  private recoverInstance(run: Run, instanceId: string): void {
    const { core } = this;
    const lost = [...core.calls.values()].filter((c) => c.instanceId === instanceId).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    for (const call of lost) {
      const q = core.queue(call.queueId);
      if (call.state === 'on-call') {
        const op = core.operator(call.operatorId as string);
        this.complete(run, call, q, true);
        core.setOperatorState(run, op, 'recover', RECOVERED_REASON);
        continue;
      }
      const held = call.state === 'offered' ? [...(call.operatorIds as string[])].sort() : [];
      for (const id of held) {
        run.out.push({ type: 'offer-withdrawn', at: run.now, callId: call.id, queueId: q.config.id, operatorId: id, token: call.token as string, reason: 'abandoned' });
        core.setOperatorState(run, core.operator(id), 'recover', RECOVERED_REASON);
      }
      core.removeWaiting(q, call.id);
      core.timerQueue.delete(timerKey.call(call.id));
      core.timerQueue.delete(timerKey.reservation(call.id));
      core.calls.delete(call.id);
      run.out.push({ type: 'call-abandoned', at: run.now, callId: call.id, queueId: q.config.id, waitedMs: run.now - call.enqueuedAt });
    }
    run.out.push({ type: 'instance-recovered', at: run.now, instanceId, calls: lost.length });
  }

  private fire(run: Run, key: string): void {
    const { core } = this;
    const id = key.slice(2);
    if (key.startsWith('w|')) {
      const op = core.operators.get(id);
      if (op && op.state === 'wrap-up' && (op.wrapUpEndsAt as number) <= run.now) this.endWrapUp(run, op);
    } else if (key.startsWith('r|')) {
      const call = core.calls.get(id);
      if (!call || call.state !== 'offered' || (call.expiresAt as number) > run.now) return;
      const q = core.queue(call.queueId);
      const ids = [...(call.operatorIds as string[])].sort();
      let returned = false;
      for (const opId of ids) {
        const op = core.operator(opId);
        returned = op.state === 'ringing' ? core.withdraw(run, call, op, 'no-answer', q.config.noAnswerPause) : core.withdraw(run, call, op, 'expired', null);
      }
      if (returned) core.claimForCall(run, call, q);
      core.claimForReleased(run, ids);
    } else if (key.startsWith('c|')) {
      const call = core.calls.get(id);
      if (!call || call.state !== 'waiting') return;
      const q = core.queue(call.queueId);
      if (q.config.maxWaitMs !== undefined && run.now - call.enqueuedAt >= q.config.maxWaitMs) {
        core.removeWaiting(q, call.id);
        core.overflow(run, call, q, 'max-wait');
        return;
      }
      core.claimForCall(run, call, q);
      if (call.state === 'waiting') core.armCallTimer(q, call, run.now);
    }
  }
}
