/**
 * The call's side of a conference (the mixing is `conference-room.ts`): a consultation turned into
 * a conference of the caller, the operator and the colleague; an operator leaving it; the offers of
 * its parties.
 */
import { isMediaError } from '../../media';
import type { CallContext, Talking } from './call-context';
import { ConferenceRoom } from './conference-room';
import { OfferRefusedError } from './ports';

export async function conferenceOffer(c: CallContext, operatorId: string, sdp: string): Promise<string> {
  try {
    return await c.room!.r.update(operatorId, sdp);
  } catch (err) {
    if (isMediaError(err) && err.isSdpRejection) throw new OfferRefusedError(err.message, { cause: err });
    throw err;
  }
}

/**
 * The talking operator turns their consultation into a conference: the caller, they and the
 * colleague each join the mixer and hear the other two.
 */
export async function conference(c: CallContext, operatorId: string): Promise<'ok' | 'not-talking' | 'no-consultation' | 'unavailable'> {
  const by = c.talking;
  if (c.current !== 'connected' || !by || by.operatorId !== operatorId || c.room) return 'not-talking';
  if (!c.deps.mixer) return 'unavailable';
  const consultation = c.consultation;
  const handed = await consultation?.c.handOver();
  if (!consultation || !handed) return 'no-consultation';
  const { now } = c.deps;
  c.consultation = undefined;
  c.record.end(consultation.segment, now(), 'conference');
  const r = new ConferenceRoom(c.callId, {
    mixer: c.deps.mixer, media: c.deps.media, log: c.log,
    ...(c.deps.browserOffer ? { browserOffer: c.deps.browserOffer } : {}),
  });
  const colleague: Talking = {
    operatorId: handed.operatorId, leg: handed.leg, visitId: handed.visitId,
    segment: c.record.begin('answered', now(), { operatorId: handed.operatorId }),
  };
  c.room = {
    r, segment: c.record.begin('conference', now(), { operatorId: by.operatorId, target: `operator:${handed.operatorId}` }),
    parties: new Map([[by.operatorId, by], [colleague.operatorId, colleague]]),
  };
  handed.leg.onHangup(() => void c.hooks.operatorHungUp(colleague));
  handed.leg.onOffer((sdp) => c.hooks.newOffer('', sdp, 'browser', colleague));
  try {
    await r.joinCaller((offer) => c.media.connect('mixer', offer, 'trunk'));
    if (c.hold) c.endHold(); // the caller hears the conference, not the music
    await r.joinOperator(by.operatorId, by.leg);
    await r.joinOperator(colleague.operatorId, colleague.leg);
  } catch (err) {
    // the parties could not all be joined: end the call rather than leave anyone in silence
    c.log.warn({ err }, 'the conference could not be set up');
    c.inbound.leg.hangUp();
    await c.hooks.callerHungUp();
    return 'unavailable';
  }
  c.notify('answered', colleague.operatorId);
  c.log.info({ operators: [...c.room.parties.keys()] }, 'conference started');
  c.save();
  return 'ok';
}

/** An operator left the conference: the others stay; when no operator is left the call ends. */
export async function partyLeft(c: CallContext, t: Talking): Promise<void> {
  const room = c.room;
  if (!room || !room.parties.delete(t.operatorId)) return;
  const { now } = c.deps;
  c.record.end(t.segment, now());
  await room.r.leave(t.operatorId);
  await c.deps.acd.onHangup(t.visitId).catch((err) => c.log.warn({ err }, 'routing hang-up failed'));
  c.deps.route(t.visitId, undefined);
  if (c.talking === t) c.talking = room.parties.values().next().value;
  if (room.parties.size > 0) {
    c.save();
    return;
  }
  c.record.end(room.segment, now());
  c.inbound.leg.hangUp();
  await c.hooks.finish('answered');
}
