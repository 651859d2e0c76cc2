import type { OperatorState, OperatorStatus } from '../api/contract';

/** What the page says (and whether it chimes) when the server changes the operator's state. */
export type StateNotice =
  | { kind: 'show'; text: string; level: 'error' | 'info'; chime: boolean }
  | { kind: 'clear' }
  | undefined;

/** How the last offer ended on this page, if it did before the server's state arrived. */
export type OfferEnd = 'declined' | 'stopped' | undefined;

const OFFERED: ReadonlySet<OperatorStatus> = new Set(['reserved', 'ringing']);

/**
 * The notice for a state change from `previous` to `next`:
 * - an offer that ends in a pause is a missed call (rang out, or declined here): say so, with the
 *   server's reason, and chime — the operator gets no more calls until they choose Available;
 * - an offer that ends with the operator still available: the caller left or a colleague answered;
 * - a new offer or an answered call makes older messages stale: clear them.
 */
export function stateNotice(previous: OperatorStatus | undefined, next: OperatorState, offerEnd: OfferEnd, label: (reason: string) => string): StateNotice {
  if (OFFERED.has(next.status) || next.status === 'on-call') return previous === next.status ? undefined : { kind: 'clear' };
  if (previous === undefined || !OFFERED.has(previous)) return undefined;
  if (next.status === 'paused') {
    const why = next.reason ? label(next.reason) : 'no reason given';
    const what = offerEnd === 'declined' ? 'Call declined' : 'Missed call';
    return { kind: 'show', text: `${what} — you are now paused: ${why}. Choose Available to take calls again.`, level: 'error', chime: true };
  }
  if (next.status === 'available') {
    if (offerEnd === 'declined') return { kind: 'show', text: 'Call declined — you are still available.', level: 'info', chime: false };
    return { kind: 'show', text: 'The call stopped ringing: the caller hung up or a colleague answered.', level: 'info', chime: false };
  }
  return undefined;
}
