/**
 * The call's side of a consultation (the consultation call itself is `consultation.ts`): the
 * talking operator's device calls a colleague about the call, and a REFER with Replaces naming that
 * consultation completes it as an attended transfer.
 */
import type { CallContext, Talking } from './call-context';
import { Consultation } from './consultation';
import { directQueueId } from './direct-queues';
import type { OperatorCall, TransferRequest } from './ports';
import { resolveTransferTarget } from './transfer-target';
import { connectOperator } from './operator-device';

/**
 * The talking operator's device calls a colleague about this call (a consultation): the colleague
 * is rung through their direct queue; the caller stays as it is (held by the operator, with music).
 */
export async function consult(c: CallContext, opCall: OperatorCall): Promise<void> {
  const by = c.talking;
  if (c.current !== 'connected' || !by || by.operatorId !== opCall.operatorId || c.consultation) {
    opCall.leg.refuse('source-not-allowed');
    return;
  }
  const target = resolveTransferTarget(opCall.target, c.deps.directory);
  if (target.kind !== 'operator' || target.id === by.operatorId) {
    opCall.leg.refuse(target.kind === 'unknown' ? 'unknown-number' : 'no-route');
    return;
  }
  const { acd, now } = c.deps;
  const visitId = c.newVisit();
  const started = new Consultation(opCall, target.id, visitId, {
    acd, media: c.deps.media, dialer: c.deps.dialer, now, log: c.log,
    unroute: (id) => c.deps.route(id, undefined),
    ...(c.deps.browserOffer ? { browserOffer: c.deps.browserOffer } : {}),
  });
  const consultation = { c: started, segment: c.record.begin('consult', now(), { operatorId: by.operatorId, target: `operator:${target.id}` }) };
  c.consultation = consultation;
  started.onEnded = () => {
    c.record.end(consultation.segment, now(), 'ended');
    if (c.consultation === consultation) c.consultation = undefined;
    c.save();
  };
  try {
    const result = await c.enqueueVisit(visitId, directQueueId(target.id));
    if (!result.offers.some((o) => o.callId === visitId)) {
      opCall.leg.refuse('busy'); // the colleague is not free
      await started.end('busy');
    }
  } catch (err) {
    c.log.warn({ err, target: target.id }, 'consultation could not start');
    opCall.leg.refuse('internal-error');
    await started.end('failed');
  }
  c.save();
}

/**
 * REFER with Replaces naming the consultation: the colleague's leg is moved into the caller's media
 * session (a re-INVITE without SDP, answered in the ACK) and the operator leaves for wrap-up.
 */
export async function completeAttended(c: CallContext, by: Talking, request: TransferRequest, replaces: NonNullable<TransferRequest['replaces']>): Promise<void> {
  const consultation = c.consultation;
  if (!consultation || !consultation.c.matches(replaces)) return request.progress(481, 'Call/Transaction Does Not Exist');
  const { now } = c.deps;
  const segment = c.record.begin('transferred', now(), { operatorId: by.operatorId, target: `operator:${consultation.c.targetOperatorId}` });
  const handed = await consultation.c.handOver();
  if (!handed) {
    c.record.end(segment, now(), 'failed');
    return request.progress(480, 'Temporarily Unavailable'); // the colleague has not answered yet
  }
  c.consultation = undefined;
  c.record.end(consultation.segment, now(), 'completed');
  const legTag = c.newLegTag(handed.operatorId);
  try {
    await handed.leg.renegotiate((offer) => connectOperator(c.media, legTag, handed.leg, offer, c.deps.browserOffer));
  } catch (err) {
    c.log.warn({ err }, 'the colleague could not be joined to the caller');
    handed.leg.hangUp();
    await c.deps.acd.onHangup(handed.visitId).catch((e) => c.log.warn({ err: e }, 'routing hang-up failed'));
    c.deps.route(handed.visitId, undefined);
    c.record.end(segment, now(), 'failed');
    c.save();
    return request.progress(500, 'Server Internal Error');
  }
  c.hooks.talk(handed.operatorId, handed.leg, legTag, handed.visitId);
  if (c.hold) c.endHold();
  c.record.end(segment, now(), 'completed');
  request.progress(200, 'OK');
  c.leave(by);
  c.notify('transferred', by.operatorId);
  c.notify('answered', handed.operatorId);
  c.log.info({ from: by.operatorId, to: handed.operatorId }, 'attended transfer completed');
  c.save();
}
