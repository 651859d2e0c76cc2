/**
 * A transfer to a number outside, through the outbound trunk. The dialling half (`joinExternal`):
 * the outbound trunk's call is answered with the far party's SDP offer (late offer), the caller's
 * media session is handed to that new leg (the operator's leg is detached from it) and the ACK
 * carries the relay's answer. The call's half (`transferToNumber`): the far party joined becomes
 * the call's other side, or the operator gets the caller back when it fails; what a transfer's
 * success or failure does to the call is the transfer's (`TransferOutcome`).
 */
import type { CallContext, Talking } from './call-context';
import type { CallMedia } from './call-media';
import { isDialFailure, type ExternalDialer, type SipLeg } from './ports';
import { connectOperator } from './operator-device';

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

/** How the transfer ends: the operator leaves (`done`), or the caller goes back to them (`failed`). */
export interface TransferOutcome {
  done(previous: Talking | undefined): void;
  failed(status: number, reason: string): Promise<void>;
}

/**
 * Dials the number through the outbound trunk while the caller hears music. Answered: the caller
 * talks with the far party and the operator leaves for wrap-up. Busy, unknown, no answer or a
 * failure: the caller goes back to the operator (or to its queue when the operator left meanwhile).
 */
export async function transferToNumber(c: CallContext, number: string, outcome: TransferOutcome): Promise<void> {
  const transfer = c.transfer;
  const abort = new AbortController();
  c.dialing = abort;
  const stillWanted = () => !c.ending && c.current === 'transferring' && c.transfer === transfer;
  c.legs += 1;
  let joined: JoinedExternal;
  try {
    joined = await joinExternal({
      dialer: c.deps.external!, media: c.media, number, callerNumber: c.inbound.caller, legTag: `ext-${c.legs}`,
      signal: abort.signal, stillWanted,
      headers: { 'X-Switchboard-Call-Id': c.callId, ...(c.talking ? { 'X-Switchboard-Transferred-By': c.talking.operatorId } : {}) },
    });
  } catch (err) {
    if (err instanceof ExternalJoinError && err.mediaMoved && c.talking && !c.ending) await rejoin(c, c.talking);
    if (!stillWanted()) return;
    const reason = isDialFailure(err) ? err.reason : 'failed';
    if (!isDialFailure(err)) c.log.warn({ err, number }, 'the number answered but could not be joined');
    c.log.info({ number, reason }, 'transfer to a number failed');
    return await outcome.failed(isDialFailure(err) ? err.status : 500, reason);
  } finally {
    if (c.dialing === abort) c.dialing = undefined;
  }
  const previous = c.talking;
  c.external = joined;
  joined.leg.onHangup(() => void externalHungUp(c));
  joined.leg.onOffer((sdp) => c.hooks.newOffer(joined.legTag, sdp, 'trunk'));
  joined.leg.onDtmf((d) => c.media.dtmfToCaller(d.digit, d.durationMs));
  c.talking = undefined;
  if (c.hold) c.endHold();
  c.to('connected');
  outcome.done(previous);
  c.log.info({ number: joined.number, trunkId: joined.trunkId }, 'transferred to a number');
}

/** Joins an operator's device to the caller again (a re-INVITE without SDP) after the media session was taken from it. */
async function rejoin(c: CallContext, t: Talking): Promise<void> {
  try {
    if (!t.legTag) throw new Error('the operator has no leg in the caller\'s media session');
    const tag = t.legTag;
    await t.leg.renegotiate((offer) => connectOperator(c.media, tag, t.leg, offer, c.deps.browserOffer));
  } catch (err) {
    // the operator cannot hear the caller any more: they leave, the caller waits in its queue again
    c.log.warn({ err, operatorId: t.operatorId }, 'the operator could not be joined to the caller again');
    t.leg.hangUp();
    await c.hooks.operatorHungUp(t);
  }
}

/** The far party of a transfer to a number hung up: the call ends. */
async function externalHungUp(c: CallContext): Promise<void> {
  if (c.phase === 'ended') return;
  c.inbound.leg.hangUp();
  await c.hooks.finish('transferred-out');
}
