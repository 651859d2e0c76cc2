/**
 * The call's side of media recovery (`relay-recovery.ts` decides when): after the relay lost the
 * call's session, the caller and the talking operator are moved to a new one, or the call ends with
 * outcome `media-lost`.
 */
import type { CallContext } from './call-context';
import { connectOperator } from './operator-device';

/**
 * The media relay lost this call's session (rtpengine restarted): the caller and the talking
 * operator are moved to a new session by offerless re-INVITEs (each leg offers again, the relay
 * answers in the ACK) and the music comes back where it played. When a leg cannot be moved, or
 * the call is in a conference, the call ends with outcome `media-lost`: every leg is hung up, the
 * operator goes to wrap-up. Nobody is left connected in silence.
 */
export function relayLost(c: CallContext): Promise<'restored' | 'lost'> {
  if (c.phase === 'ended') return Promise.resolve('lost');
  if (c.phase === 'answering' && !c.lostWhileAnswering) {
    c.lostWhileAnswering = true; // start() moves it once the caller is answered
    return Promise.resolve('restored');
  }
  c.restoring ??= restoreMedia(c).finally(() => { c.restoring = undefined; });
  return c.restoring;
}

async function restoreMedia(c: CallContext): Promise<'restored' | 'lost'> {
  c.lostWhileAnswering = false;
  const phase = c.phase;
  c.log.warn({ phase, operatorId: c.talking?.operatorId }, 'the media relay lost the call: moving it to a new media session');
  if (c.room) return endMediaLost(c, 'a conference is not moved');
  try {
    c.media.relayLost();
    await c.consultation?.c.end('the media relay lost the consultation');
    await c.inbound.leg.renegotiate((offer) => c.media.park(offer));
    const t = c.talking;
    if (t && t.legTag !== undefined) {
      const tag = t.legTag;
      await t.leg.renegotiate((offer) => connectOperator(c.media, tag, t.leg, offer, c.deps.browserOffer));
    }
    await c.media.resumeMusic();
  } catch (err) {
    c.log.warn({ err }, 'a leg could not be moved to a new media session');
    return endMediaLost(c, 'a leg could not be moved');
  }
  if (c.current === 'ended') return 'lost';
  c.log.info({ phase: c.phase, operatorId: c.talking?.operatorId }, 'media restored on a new session');
  return 'restored';
}

/** Ends the call because its media is gone: outcome `media-lost`. */
export async function endMediaLost(c: CallContext, why = 'the media relay did not come back'): Promise<'lost'> {
  if (c.phase === 'ended') return 'lost';
  c.log.warn({ why }, 'media lost: ending the call');
  if (c.phase === 'answering') c.inbound.leg.refuse('media-failed');
  else c.inbound.leg.hangUp();
  await c.hooks.callerHungUp('media-lost');
  return 'lost';
}
