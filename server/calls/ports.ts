/** What the calls layer needs from signalling, as ports: signalling adapts drachtio-srf to these. */

/** The caller's SIP leg, from the trunk. */
export interface CallerLeg {
  /** Answers with our SDP (200 OK); rejects if the caller has gone meanwhile. */
  answer(sdp: string): Promise<void>;
  /** Refuses an unanswered call with the status of a signalling outcome. */
  refuse(outcome: 'queue-full' | 'no-route' | 'media-failed' | 'internal-error'): void;
  /** Hangs up an answered call (BYE). */
  hangUp(): void;
  /** Called once when the caller hangs up or cancels. */
  onHangup(listener: () => void): void;
}

/** The operator's SIP leg, once answered. */
export interface OperatorLeg {
  hangUp(): void;
  /** Called once when the operator hangs up or their device is lost. */
  onHangup(listener: () => void): void;
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
  connect(answerSdp: string): Promise<OperatorLeg>;
}

export type DialFailureReason = 'unreachable' | 'no-answer' | 'declined' | 'canceled';

/** Calls operators' registered devices (late offer: the device offers, the relay answers). */
export interface OperatorDialer {
  /** Resolves with the first device to answer; rejects with an error carrying `reason`. */
  dial(request: DialRequest): Promise<Answered>;
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
