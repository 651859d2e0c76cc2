/** A call's life in the calls layer; transitions not in the table are bugs and throw. */
export type CallPhase = 'answering' | 'queued' | 'offering' | 'connected' | 'transferring' | 'ended';

const TRANSITIONS: Record<CallPhase, readonly CallPhase[]> = {
  answering: ['queued', 'ended'],
  queued: ['offering', 'connected', 'ended'],
  offering: ['queued', 'connected', 'ended'],
  // transferring: the caller hears music while a named operator's phone rings
  connected: ['queued', 'transferring', 'ended'],
  transferring: ['connected', 'queued', 'ended'],
  ended: [],
};

export function nextPhase(from: CallPhase, to: CallPhase, callId: string): CallPhase {
  if (!TRANSITIONS[from].includes(to)) throw new Error(`call ${callId}: illegal transition ${from} → ${to}`);
  return to;
}
