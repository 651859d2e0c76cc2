/**
 * Operator devices as the media relay and routing see them: a browser's leg is WebRTC (the relay's
 * `browser` profile), a desk phone's is plain RTP with G.711 and RFC 4733 events, like a trunk's
 * (the `trunk` profile); and why an offer a device did not take goes back to routing.
 */
import type { NoAnswerCause } from '../routing';
import { isDialFailure, type OperatorDevice } from './ports';

/** The media leg profile for an operator's device (absent: a browser). */
export function legProfile(device: OperatorDevice | undefined): 'browser' | 'trunk' {
  return device === 'phone' ? 'trunk' : 'browser';
}

/**
 * Why an offer was not taken, for routing's pause: the device's own busy (486) or decline (603, 600)
 * say so; a failure on our side after a device answered (its media, our relay) is not the operator's
 * and pauses nobody; anything else rang out or reached nobody (`no-answer`).
 */
export function noAnswerCause(err: unknown, answered: boolean): NoAnswerCause {
  if (isDialFailure(err)) {
    if (err.reason === 'declined') return err.status === 486 ? 'busy' : 'declined';
    // no device of theirs could be reached (a closed tab): not the operator's unanswered call
    if (err.reason === 'unreachable') return 'unreachable';
    if (!answered) return 'no-answer';
  }
  return answered ? 'failed' : 'no-answer';
}

/**
 * Connects an operator's leg to the caller with its device's profile: a browser's offer passes the
 * ICE filter (`browserOffer`) and gets WebRTC, a phone's gets plain RTP. Returns the answer for the leg.
 */
export function connectOperator(
  media: { connect(legTag: string, offer: string, from: 'browser' | 'trunk'): Promise<string> },
  legTag: string, leg: { readonly device?: OperatorDevice }, offer: string, browserOffer?: (sdp: string) => string,
): Promise<string> {
  const from = legProfile(leg.device);
  return media.connect(legTag, from === 'browser' && browserOffer ? browserOffer(offer) : offer, from);
}
