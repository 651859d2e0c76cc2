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
    if (!answered) return 'no-answer';
  }
  return answered ? 'failed' : 'no-answer';
}
