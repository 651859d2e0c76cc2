import type { OperatorState, OperatorStatus } from '../api/contract';
import { i18n, type Translate } from '../i18n/translator';

/** What the page says (and whether it chimes) when the server changes the operator's state. */
export type StateNotice =
  | { kind: 'show'; text: string; level: 'error' | 'info'; chime: boolean; missed: MissedHow }
  | { kind: 'clear' }
  | undefined;

/** How an offer that was not answered ended, for the shift's missed-calls list. */
export type MissedHow = 'rangOut' | 'declined' | 'stopped';

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
export function stateNotice(previous: OperatorStatus | undefined, next: OperatorState, offerEnd: OfferEnd, label: (reason: string) => string, t: Translate = i18n.t): StateNotice {
  if (OFFERED.has(next.status) || next.status === 'on-call') return previous === next.status ? undefined : { kind: 'clear' };
  if (previous === undefined || !OFFERED.has(previous)) return undefined;
  if (next.status === 'paused') {
    const reason = next.reason ? label(next.reason) : t('notice.noReason');
    const declined = offerEnd === 'declined';
    return { kind: 'show', text: t(declined ? 'notice.declinedPaused' : 'notice.missed', { reason }), level: 'error', chime: true, missed: declined ? 'declined' : 'rangOut' };
  }
  if (next.status === 'available') {
    if (offerEnd === 'declined') return { kind: 'show', text: t('notice.declinedAvailable'), level: 'info', chime: false, missed: 'declined' };
    return { kind: 'show', text: t('notice.stopped'), level: 'info', chime: false, missed: 'stopped' };
  }
  return undefined;
}
