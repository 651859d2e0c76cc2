/**
 * The dialling half of a transfer to a number outside: the outbound trunk's call is answered with
 * the far party's SDP offer (late offer), the caller's media session is handed to that new leg
 * (the operator's leg is detached from it) and the ACK carries the relay's answer. The call keeps
 * the decisions: what the caller hears meanwhile, and who gets the caller back when this fails.
 */
import type { CallMedia } from './call-media';
import type { ExternalDialer, SipLeg } from './ports';

export interface JoinExternalOptions {
  dialer: ExternalDialer;
  media: Pick<CallMedia, 'connect'>;
  number: string;
  callerNumber: string;
  headers: Record<string, string>;
  /** The far party's tag in the caller's media session. */
  legTag: string;
  signal: AbortSignal;
  /** False once the call has moved on (the caller hung up): an answer is then hung up. */
  stillWanted: () => boolean;
}

export interface JoinedExternal {
  leg: SipLeg;
  legTag: string;
  trunkId: string;
  /** The number as sent to the trunk (E.164 when the trunk normalises). */
  number: string;
}

/**
 * The far party answered but could not be joined. `mediaMoved`: the caller's media session was
 * already taken from the operator's leg, which must be joined again.
 */
export class ExternalJoinError extends Error {
  override readonly name = 'ExternalJoinError';
  readonly code = 'ERR_EXTERNAL_JOIN';
  constructor(message: string, readonly mediaMoved: boolean, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The call moved on while the number rang or answered (rejects like a canceled dial). */
function canceled(): Error {
  return Object.assign(new Error('the call moved on while the number answered'), { reason: 'canceled', status: 487 });
}

/** Dials the number and joins it to the caller; rejects with a DialFailure or an ExternalJoinError. */
export async function joinExternal(o: JoinExternalOptions): Promise<JoinedExternal> {
  const answered = await o.dialer.dial({ number: o.number, callerNumber: o.callerNumber, headers: o.headers, signal: o.signal });
  if (!o.stillWanted()) {
    answered.abandon();
    throw canceled();
  }
  let answerSdp: string;
  try {
    answerSdp = await o.media.connect(o.legTag, answered.offer, 'trunk');
  } catch (err) {
    answered.abandon();
    throw new ExternalJoinError('the relay refused the far party\'s offer', true, { cause: err });
  }
  let leg: SipLeg;
  try {
    leg = await answered.connect(answerSdp);
  } catch (err) {
    throw new ExternalJoinError('the far party\'s call could not be completed (ACK)', true, { cause: err });
  }
  if (!o.stillWanted()) {
    leg.hangUp();
    throw canceled();
  }
  return { leg, legTag: o.legTag, trunkId: answered.trunkId, number: answered.number };
}
