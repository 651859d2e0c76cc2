/**
 * A REFER from the talking operator: blind transfer to a queue (the call waits there again), to an
 * operator (their direct queue rings them while the caller hears music), to a number (through the
 * outbound trunk, `external-transfer.ts`) or, with Replaces, completing a consultation. A transfer
 * that succeeds sends the transferring operator to wrap-up; one that fails brings the caller back.
 */
import { isAppError } from '../routing';
import type { CallContext, Talking } from './call-context';
import { completeAttended } from './call-consultation';
import { directQueueId } from './direct-queues';
import { transferToNumber } from './external-transfer';
import type { TransferRequest } from './ports';
import { resolveTransferTarget } from './transfer-target';

/** A REFER from the talking operator's device (answered through `request.progress`, a NOTIFY sipfrag). */
export async function transferRequested(c: CallContext, by: Talking, request: TransferRequest): Promise<void> {
  if (c.current !== 'connected' || c.talking !== by) return request.progress(491, 'Request Pending');
  if (c.room) return request.progress(403, 'Forbidden'); // leave the conference instead
  if (request.replaces) return completeAttended(c, by, request, request.replaces);
  const target = resolveTransferTarget(request.target, c.deps.directory);
  if (target.kind === 'unknown') return request.progress(404, 'Not Found');
  if (target.kind === 'number' && !c.deps.external) return request.progress(501, 'Not Implemented'); // no outbound trunk
  if (target.kind === 'operator' && target.id === by.operatorId) return request.progress(403, 'Forbidden');
  const segment = c.record.begin('transferred', c.deps.now(), { operatorId: by.operatorId, target: `${target.kind}:${target.id}` });
  c.transfer = { visitId: '', request, segment };
  await c.media.music('transfer', true);
  // the caller or the operator may have hung up meanwhile: the call's ending answered the REFER (487)
  if (c.current !== 'connected' || c.transfer?.request !== request) return;
  if (target.kind === 'queue') return transferToQueue(c, by, target.id);
  c.to('transferring');
  if (target.kind === 'number') {
    return transferToNumber(c, target.id, { done: (p) => transferDone(c, p), failed: (status, reason) => transferFailed(c, status, reason) });
  }
  try {
    const visit = await c.enqueue(directQueueId(target.id), true);
    if (!visit.offered) await transferFailed(c, 486, 'busy'); // the target is not free
  } catch (err) {
    c.log.warn({ err, target: target.id }, 'transfer to an operator failed');
    await transferFailed(c, 500, 'failed');
  }
}

/** Blind transfer to a queue: the operator leaves once the call waits there (its arrival kept); a full queue is 486 and the caller stays. */
async function transferToQueue(c: CallContext, by: Talking, queueId: string): Promise<void> {
  const transfer = c.transfer!;
  c.to('queued');
  try {
    await c.enqueue(queueId);
  } catch (err) {
    const full = isAppError(err) && err.code === 'ERR_QUEUE_FULL';
    if (!full) c.log.warn({ err, queueId }, 'transfer to a queue failed');
    c.record.end(transfer.segment, c.deps.now(), 'failed');
    c.transfer = undefined;
    transfer.request.progress(full ? 486 : 500, full ? 'Busy Here' : 'Server Internal Error');
    await c.media.music('transfer', false);
    if (c.current === 'queued' && c.talking === by) c.to('connected');
    return;
  }
  await c.media.music('queue', true);
  if (c.hold) c.endHold();
  c.talking = undefined;
  transferDone(c, by);
}

/** The transfer succeeded: the transferring operator leaves the call for wrap-up. */
export function transferDone(c: CallContext, previous: Talking | undefined): void {
  const transfer = c.transfer;
  c.transfer = undefined;
  if (transfer) {
    c.record.end(transfer.segment, c.deps.now(), 'completed');
    transfer.request.progress(200, 'OK');
  }
  void c.media.music('transfer', false);
  if (previous && previous !== c.talking) c.leave(previous);
  c.notify('transferred', previous?.operatorId);
  c.save();
}

/** The transfer target was busy, did not answer or declined: the caller goes back to the operator. */
export async function transferFailed(c: CallContext, status: number, reason: string): Promise<void> {
  const transfer = c.transfer;
  if (!transfer) return;
  c.transfer = undefined;
  if (transfer.visitId) {
    c.deps.route(transfer.visitId, undefined);
    // out of routing at once, so the target is freed and not offered this visit again
    await c.deps.acd.onAbandoned(transfer.visitId).catch((err) => c.log.warn({ err }, 'routing abandon failed'));
  }
  c.record.end(transfer.segment, c.deps.now(), 'failed');
  const sip = status === 486 || reason === 'busy' ? [486, 'Busy Here'] as const
    : status === 404 || status === 484 ? [404, 'Not Found'] as const // a number the trunk does not know
    : reason === 'no-answer' ? [408, 'Request Timeout'] as const
      : reason === 'declined' ? [603, 'Decline'] as const : [480, 'Temporarily Unavailable'] as const;
  transfer.request.progress(sip[0], sip[1]);
  if (c.talking) {
    await c.media.music('transfer', false);
    c.to('connected');
    c.log.info({ reason }, 'transfer failed: the caller is back with the operator');
  } else {
    // the transferring operator left meanwhile: the caller waits in its queue again, never dropped
    await c.media.music('queue', true);
    await c.media.music('transfer', false);
    c.to('queued');
    try {
      await c.enqueue(c.visit?.queue ?? c.inbound.queue);
    } catch (err) {
      c.log.warn({ err }, 'could not queue the call again after a failed transfer');
      c.inbound.leg.hangUp();
      await c.hooks.finish(c.record.snapshot().answeredAt ? 'answered' : 'failed');
    }
  }
  c.save();
}
