import { AppError } from './errors';
import type { CallState } from './types';

export type CallAction = 'offer' | 'return' | 'answer' | 'overflow' | 'reject' | 'abandon' | 'hangup';

/** The call state machine; `ended` means the call leaves routing. A missing entry is illegal. */
export const CALL_TRANSITIONS: Readonly<Record<CallState, Readonly<Partial<Record<CallAction, CallState | 'ended'>>>>> = {
  waiting: { offer: 'offered', overflow: 'waiting', reject: 'ended', abandon: 'ended' },
  offered: { answer: 'on-call', return: 'waiting', abandon: 'ended' },
  'on-call': { hangup: 'ended' },
};

export function nextCallState(callId: string, from: CallState, action: CallAction): CallState | 'ended' {
  const to = CALL_TRANSITIONS[from][action];
  if (to === undefined) {
    throw new AppError('ERR_ILLEGAL_TRANSITION', `call ${callId}: cannot ${action} while ${from}`, {
      details: { callId, state: from, action },
    });
  }
  return to;
}
