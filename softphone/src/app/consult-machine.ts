import { IllegalTransitionError } from '../errors';

/** Where a consultation (the operator's second call, about the call in progress) is. */
export type ConsultState =
  | 'none' // no consultation
  | 'holding' // the caller is being put on hold before the colleague is called
  | 'dialing' // the consultation INVITE is out
  | 'ringing' // the colleague's phone rings
  | 'talking' // the operators talk; the caller hears music
  | 'completing' // REFER with Replaces sent, waiting for the server's final NOTIFY
  | 'conferencing' // the conference was asked for, waiting for the server
  | 'conference'; // caller, operator and colleague hear each other

export type ConsultEvent =
  | 'start' // the operator pressed Consult
  | 'dial' // the caller is held: the consultation INVITE goes out
  | 'ringing' // 18x from the colleague
  | 'answered' // the colleague answered
  | 'failed' // hold or the consultation INVITE failed (busy, declined, no answer…)
  | 'cancel' // the operator pressed Cancel
  | 'ended' // the answered consultation ended (the colleague hung up)
  | 'complete' // the operator pressed Complete transfer
  | 'complete-failed' // the server reported the transfer failed
  | 'completed' // the server reported the transfer done
  | 'conference' // the operator pressed Conference
  | 'conference-failed' // the server refused the conference
  | 'joined' // the server made the conference
  | 'reset'; // the call itself ended

const ANY_RESET = { reset: 'none' } as const;

/**
 * The transition table. none → holding → dialing → ringing → talking, then completing → none,
 * conferencing → conference, or none on cancel/end. While completing or conferencing the server hangs
 * the consultation up itself, so `ended` leaves those states as they are.
 */
export const CONSULT_TRANSITIONS: Readonly<Record<ConsultState, Readonly<Partial<Record<ConsultEvent, ConsultState>>>>> = {
  none: { start: 'holding', ...ANY_RESET },
  holding: { dial: 'dialing', failed: 'none', ...ANY_RESET },
  dialing: { ringing: 'ringing', answered: 'talking', failed: 'none', cancel: 'none', ...ANY_RESET },
  ringing: { ringing: 'ringing', answered: 'talking', failed: 'none', cancel: 'none', ...ANY_RESET },
  talking: { cancel: 'none', ended: 'none', complete: 'completing', conference: 'conferencing', ...ANY_RESET },
  completing: { completed: 'none', 'complete-failed': 'talking', ended: 'completing', ...ANY_RESET },
  conferencing: { joined: 'conference', 'conference-failed': 'talking', ended: 'conferencing', ...ANY_RESET },
  conference: { ended: 'conference', ...ANY_RESET },
};

/** The explicit consultation state machine; an illegal event throws `IllegalTransitionError`. */
export class ConsultMachine {
  private current: ConsultState = 'none';

  constructor(private readonly onTransition?: (to: ConsultState, from: ConsultState, event: ConsultEvent) => void) {}

  get state(): ConsultState {
    return this.current;
  }

  can(event: ConsultEvent): boolean {
    return CONSULT_TRANSITIONS[this.current][event] !== undefined;
  }

  send(event: ConsultEvent): ConsultState {
    const from = this.current;
    const to = CONSULT_TRANSITIONS[from][event];
    if (to === undefined) throw new IllegalTransitionError(from, event);
    this.current = to;
    this.onTransition?.(to, from, event);
    return to;
  }
}
