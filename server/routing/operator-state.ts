import { AppError } from './errors';
import type { OperatorState } from './types';

/** What can happen to an operator. */
export type OperatorAction =
  | 'login'
  | 'login-paused'
  | 'pause'
  | 'resume'
  | 'reserve'
  | 'ring'
  | 'answer'
  | 'release'
  | 'no-answer'
  | 'hangup'
  | 'hangup-no-wrap-up'
  | 'end-wrap-up'
  | 'logout'
  | 'force-logout'
  /** The call's instance died: the operator is paused (reason `recovered`). */
  | 'recover';

/**
 * The operator state machine. A missing entry is an illegal transition.
 * The Redis adapter embeds this very table in its Lua scripts, so both adapters follow one machine.
 */
export const OPERATOR_TRANSITIONS: Readonly<Record<OperatorState, Readonly<Partial<Record<OperatorAction, OperatorState>>>>> = {
  offline: { login: 'available', 'login-paused': 'paused' },
  available: { pause: 'paused', reserve: 'reserved', logout: 'offline', 'force-logout': 'offline' },
  paused: { pause: 'paused', resume: 'available', logout: 'offline', 'force-logout': 'offline' },
  reserved: { ring: 'ringing', answer: 'on-call', release: 'available', 'no-answer': 'paused', 'force-logout': 'offline', recover: 'paused' },
  ringing: { answer: 'on-call', release: 'available', 'no-answer': 'paused', 'force-logout': 'offline', recover: 'paused' },
  'on-call': { hangup: 'wrap-up', 'hangup-no-wrap-up': 'available', 'force-logout': 'offline', recover: 'paused' },
  'wrap-up': { 'end-wrap-up': 'available', pause: 'paused', logout: 'offline', 'force-logout': 'offline' },
};

export function canTransition(from: OperatorState, action: OperatorAction): boolean {
  return OPERATOR_TRANSITIONS[from][action] !== undefined;
}

/** The next state, or ERR_ILLEGAL_TRANSITION naming the operator, the state and the action. */
export function nextOperatorState(operatorId: string, from: OperatorState, action: OperatorAction): OperatorState {
  const to = OPERATOR_TRANSITIONS[from][action];
  if (to === undefined) {
    throw new AppError('ERR_ILLEGAL_TRANSITION', `operator ${operatorId}: cannot ${action} while ${from}`, {
      details: { operatorId, state: from, action },
    });
  }
  return to;
}
