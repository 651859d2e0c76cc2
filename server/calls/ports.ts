/** What the calls layer needs from signalling and media, as ports: signalling adapts drachtio-srf to these. */
import type { CallRecord } from '../records/model';

/** A DTMF digit a leg sent as signalling (SIP INFO), to be carried on as RFC 4733 events. */
export interface DtmfSignal {
  digit: string;
  durationMs: number;
}

/** A transfer asked for by a leg's device (SIP REFER, RFC 3515). */
export interface TransferRequest {
  /** The Refer-To target's user part (an operator's SIP user, `queue-ID`, or a number). */
  target: string;
  /** Set for an attended transfer (Refer-To with Replaces, RFC 3891): the consultation dialog. */
  replaces?: { callId: string; toTag: string; fromTag: string };
  /**
   * Reports progress to the device (NOTIFY with a sipfrag): 100 while trying, then one final
   * status (200 done, 4xx/5xx failed). Calls after the final status are ignored.
   */
  progress(status: number, reason: string): void;
}

/** Why a new offer from a leg was refused; signalling answers it with 488 and the call stays as it was. */
export class OfferRefusedError extends Error {
  override readonly name = 'OfferRefusedError';
  readonly code = 'ERR_OFFER_REFUSED';
}

/** What every SIP leg of a call can do once answered. */
export interface SipLeg {
  /** Hangs up (BYE). Idempotent. */
  hangUp(): void;
  /** Called once when the far end hangs up or the leg is lost. */
  onHangup(listener: () => void): void;
  /**
   * The far end sent a new SDP offer (re-INVITE or UPDATE: hold, resume, refresh). The handler
   * returns our answer; an OfferRefusedError becomes 488 and the session stays as it was.
   * Without a handler the offer is refused with 488.
   */
  onOffer(handler: (sdp: string) => Promise<string>): void;
  /**
   * DTMF sent as SIP INFO (application/dtmf-relay or application/dtmf). The INFO is answered 200
   * once the handler resolves, 500 when it rejects (the digit did not reach the other side).
   */
  onDtmf(handler: (dtmf: DtmfSignal) => Promise<void> | void): void;
  /** A REFER from the device. Without a handler REFER is refused with 603. */
  onTransfer(handler: (request: TransferRequest) => void): void;
  /**
   * Asks the device for a new offer (a re-INVITE without SDP, RFC 3261 §14.1): `answerFor` turns
   * its offer into our answer, which goes in the ACK. Used to move the leg to another media session.
   */
  renegotiate(answerFor: (offer: string) => Promise<string>): Promise<void>;
}

/** The caller's SIP leg, from the trunk. */
export interface CallerLeg extends SipLeg {
  /** Answers with our SDP (200 OK); rejects if the caller has gone meanwhile. */
  answer(sdp: string): Promise<void>;
  /** Refuses an unanswered call with the status of a signalling outcome. */
  refuse(outcome: 'queue-full' | 'no-route' | 'media-failed' | 'internal-error' | 'unknown-number' | 'source-not-allowed' | 'busy' | 'declined'): void;
}

/**
 * What kind of device an operator answered on, from what it sends (its SDP, its registration): a
 * WebRTC browser (ICE, DTLS-SRTP) or a desk phone / SIP softphone (plain RTP, G.711, RFC 4733).
 * The media leg profile follows it.
 */
export type OperatorDevice = 'browser' | 'phone';

/** The operator's SIP leg, once answered. `device` absent: a browser. */
export interface OperatorLeg extends SipLeg {
  readonly device?: OperatorDevice;
}

export interface DialRequest {
  operatorIds: string[];
  headers: Record<string, string>;
  ringTimeoutMs: number;
  signal: AbortSignal;
  onRinging: (operatorId: string) => void;
}

/** An operator's device answered with its SDP offer; `connect` sends the ACK with our answer. */
export interface Answered {
  operatorId: string;
  offer: string;
  /** The answering device's kind (absent: a browser): its offer and leg follow that media profile. */
  device?: OperatorDevice;
  connect(answerSdp: string): Promise<OperatorLeg>;
  /**
   * We cannot use the answer (its media, our relay): the 200 is ACKed all the same (RFC 3261
   * §13.2.2.4) with an answer refusing its media, then hung up with BYE. `reason` is logged.
   */
  abandon(reason: string): void;
}

export type DialFailureReason = 'unreachable' | 'no-answer' | 'declined' | 'canceled';


/** Why dialling produced no call: the dialer's promise rejects with this. */
export interface DialFailure extends Error {
  reason: DialFailureReason;
  status: number;
}

export function isDialFailure(err: unknown): err is DialFailure {
  return err instanceof Error && typeof (err as DialFailure).reason === 'string' && typeof (err as DialFailure).status === 'number';
}

/** Calls operators' registered devices (late offer: the device offers, the relay answers). */
export interface OperatorDialer {
  /** Resolves with the first device to answer; rejects with a DialFailure. */
  dial(request: DialRequest): Promise<Answered>;
  /** Early offer: the INVITE carries `sdp`; resolves with the answering device's SDP answer and leg. */
  dialWithOffer(request: DialRequest & { sdp: string }): Promise<{ operatorId: string; answerSdp: string; leg: OperatorLeg }>;
}

/** A number outside the centre, dialled through an outbound trunk (a transfer to a number). */
export interface ExternalDialRequest {
  /** The number as the operator gave it; the trunk's rules normalise it. */
  number: string;
  /** The original caller's number (presented unless the trunk has a caller ID of its own). */
  callerNumber: string;
  headers: Record<string, string>;
  /** Aborting cancels the call (the caller hung up). */
  signal: AbortSignal;
}

/** The far party answered with its SDP offer (late offer); `connect` sends the ACK with our answer. */
export interface ExternalAnswered {
  trunkId: string;
  /** The number as sent to the trunk, without its dial prefix (E.164 when the trunk asks for it). */
  number: string;
  offer: string;
  connect(answerSdp: string): Promise<SipLeg>;
  /** Completes and hangs up the answered call at once (we could not use it). */
  abandon(): void;
}

/** Places calls through an outbound trunk. */
export interface ExternalDialer {
  /** Resolves once the far party answers; rejects with a DialFailure (busy 486, 404, no answer 408, trunk full 503). */
  dial(request: ExternalDialRequest): Promise<ExternalAnswered>;
}

/** A call placed by an operator's device (an INVITE from an operator): a consultation, for now. */
export interface OperatorCall {
  operatorId: string;
  /** The Request-URI user: whom the operator calls (an operator's SIP user). */
  target: string;
  /** `X-Switchboard-Consult`: the SIP Call-ID of the call this consultation is about. */
  consultFor: string | undefined;
  /** The dialog as the device sees it, to match a later Replaces (RFC 3891). */
  sipCallId: string;
  fromTag: string;
  offerSdp: string;
  leg: CallerLeg;
}

/** A call from a trunk to a number, accepted by signalling and handed to the calls layer. */
export interface InboundCall {
  callId: string;
  /** The caller's From tag (the caller leg's tag in the media relay). */
  fromTag: string;
  trunkId: string;
  number: string;
  queue: string;
  caller: string;
  offerSdp: string;
  leg: CallerLeg;
}

/** Who a transfer target names: the calls layer resolves a REFER target with it. */
export interface Directory {
  /** The operator id of a SIP user name, if it is one. */
  operatorBySipUser(user: string): string | undefined;
  hasQueue(queueId: string): boolean;
}

/** Where call records go, as the call progresses (an upsert of the whole record). */
export interface CallRecordSink {
  saveCall(record: CallRecord): Promise<void>;
}
