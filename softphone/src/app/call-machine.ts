import { IllegalTransitionError } from '../errors';

/** Where the operator's one call is, as the page sees it. */
export type CallState = 'idle' | 'ringing' | 'connecting' | 'on-call' | 'held' | 'wrap-up';

/** What can happen to it. */
export type CallEvent =
  | 'offer' // an INVITE arrived
  | 'answer' // the operator answered (200 OK sent, waiting for the ACK)
  | 'decline' // the operator declined
  | 'cancel' // the caller gave up before the call was established
  | 'established' // the ACK arrived: audio flows
  | 'fail' // answering failed (no microphone, SDP error, …)
  | 'hold' // our hold re-INVITE was accepted
  | 'unhold' // our resume re-INVITE was accepted
  | 'end' // either side hung up an established call
  | 'consult-ended' // a colleague's consultation call ended (no customer call: nothing to wrap up)
  | 'wrap-up-done'; // the disposition was submitted

/**
 * The transition table: state → event → next state. Anything missing is illegal and throws.
 * idle → ringing → connecting → on-call ⇄ held → wrap-up → idle; a call that never connected
 * returns to idle without wrap-up, and so does a colleague's consultation that ended without
 * becoming the caller's call.
 */
export const CALL_TRANSITIONS: Readonly<Record<CallState, Readonly<Partial<Record<CallEvent, CallState>>>>> = {
  idle: { offer: 'ringing' },
  ringing: { answer: 'connecting', decline: 'idle', cancel: 'idle' },
  connecting: { established: 'on-call', fail: 'idle', cancel: 'idle' },
  'on-call': { hold: 'held', end: 'wrap-up', 'consult-ended': 'idle' },
  held: { unhold: 'on-call', end: 'wrap-up', 'consult-ended': 'idle' },
  'wrap-up': { 'wrap-up-done': 'idle' },
};

export interface CallMachineDelegate {
  onTransition?(to: CallState, from: CallState, event: CallEvent): void;
}

/** The explicit call state machine. `send` applies an event or throws `IllegalTransitionError`. */
export class CallMachine {
  private current: CallState = 'idle';
  delegate: CallMachineDelegate | undefined;

  constructor(delegate?: CallMachineDelegate) {
    this.delegate = delegate;
  }

  get state(): CallState {
    return this.current;
  }

  /** True when `event` is legal in the current state. */
  can(event: CallEvent): boolean {
    return CALL_TRANSITIONS[this.current][event] !== undefined;
  }

  send(event: CallEvent): CallState {
    const from = this.current;
    const to = CALL_TRANSITIONS[from][event];
    if (to === undefined) throw new IllegalTransitionError(from, event);
    this.current = to;
    this.delegate?.onTransition?.(to, from, event);
    return to;
  }
}
