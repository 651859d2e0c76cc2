/**
 * A supervisor's commands on waiting calls: move one to another queue, give one to a named
 * operator, change one's priority. Each validates everything first and only then changes state,
 * so a refused command leaves the state as it was. The Redis adapter runs the same moves in Lua
 * (server/store/lua/supervision-script.ts); the conformance suite holds them together.
 */
import { AppError } from './errors';
import type { EngineCore, Run } from './engine-core';
import { timerKey } from './engine-core';
import type { AcdCommand, AssignedChoice, CallRecord } from './types';

type Cmd<K extends AcdCommand['kind']> = Extract<AcdCommand, { kind: K }>;

/** The call, which must be waiting (ERR_ILLEGAL_TRANSITION naming its state otherwise). */
function waitingCall(core: EngineCore, callId: string, action: string): CallRecord {
  const call = core.call(callId);
  if (call.state !== 'waiting') {
    throw new AppError('ERR_ILLEGAL_TRANSITION', `call ${callId}: cannot ${action} while ${call.state}`, {
      details: { callId, state: call.state, action },
    });
  }
  return call;
}

/**
 * The call leaves its queue for `queueId`, keeping its priority and arrival (so it is fair against
 * the calls there); its wait for relaxation and maximum wait starts again. A free qualified member
 * of the new queue is offered it at once. A full target queue refuses it (ERR_QUEUE_FULL): a
 * supervisor's move never overflows a call on or turns it away.
 */
export function moveCall(core: EngineCore, run: Run, cmd: Cmd<'move-call'>): void {
  const call = waitingCall(core, cmd.callId, 'move');
  const from = core.queue(call.queueId);
  const to = core.queue(cmd.queueId);
  if (to === from) {
    throw new AppError('ERR_ILLEGAL_TRANSITION', `call ${call.id} already waits in ${cmd.queueId}`, {
      details: { callId: call.id, queueId: cmd.queueId, action: 'move' },
    });
  }
  if (to.config.maxLength !== undefined && to.waiting.length >= to.config.maxLength) {
    throw new AppError('ERR_QUEUE_FULL', `queue ${cmd.queueId} is full`, { details: { callId: call.id, queueId: cmd.queueId } });
  }
  core.removeWaiting(from, call.id);
  core.timerQueue.delete(timerKey.call(call.id));
  run.out.push({ type: 'call-moved', at: run.now, callId: call.id, fromQueueId: from.config.id, toQueueId: to.config.id });
  core.enterQueue(run, call, to.config.id);
}

/**
 * The call is offered to one named operator, who must be available; skills, tiers and membership
 * are not applied (the supervisor chose). The offer is an ordinary one: it rings for the call's
 * queue's ring timeout, and a no-answer puts the call back in its place.
 */
export function assignCall(core: EngineCore, run: Run, cmd: Cmd<'assign-call'>): void {
  const call = waitingCall(core, cmd.callId, 'assign');
  const op = core.operator(cmd.operatorId);
  if (op.state !== 'available') {
    throw new AppError('ERR_ILLEGAL_TRANSITION', `operator ${op.id}: cannot take call ${call.id} while ${op.state}`, {
      details: { operatorId: op.id, state: op.state, action: 'assign' },
    });
  }
  const q = core.queue(call.queueId);
  const explanation: AssignedChoice = {
    kind: 'assigned', rule: 'named-operator', operatorId: op.id, callId: call.id, queueId: q.config.id,
    summary: `assigned ${call.id} in ${q.config.id} to ${op.id}`,
  };
  core.offer(run, call, q, [op.id], explanation);
}

/** The call's priority changes; it takes its new place in its queue (no operator is free for it, or it would not wait). */
export function setPriority(core: EngineCore, run: Run, cmd: Cmd<'set-priority'>): void {
  const call = waitingCall(core, cmd.callId, 'set-priority');
  const q = core.queue(call.queueId);
  const from = call.priority;
  core.removeWaiting(q, call.id);
  call.priority = cmd.priority;
  const position = core.insertWaiting(q, call);
  run.out.push({ type: 'call-priority-changed', at: run.now, callId: call.id, queueId: q.config.id, from, priority: cmd.priority, position });
}
