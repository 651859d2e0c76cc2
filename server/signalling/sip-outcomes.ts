/** Domain outcomes and the SIP responses they become: the one table signalling answers from. */
export const SIP_OUTCOMES = {
  'unknown-number': { status: 404, reason: 'Not Found' },
  'source-not-allowed': { status: 403, reason: 'Forbidden' },
  'queue-full': { status: 486, reason: 'Busy Here' },
  'busy': { status: 486, reason: 'Busy Here' },
  'declined': { status: 603, reason: 'Decline' },
  'no-route': { status: 480, reason: 'Temporarily Unavailable' },
  'media-failed': { status: 488, reason: 'Not Acceptable Here' },
  'too-many-media-lines': { status: 488, reason: 'Not Acceptable Here (too many media streams)' },
  'draining': { status: 503, reason: 'Service Unavailable' },
  'store-unavailable': { status: 503, reason: 'Service Unavailable (state store)' },
  'trunk-rate-limited': { status: 503, reason: 'Service Unavailable (call rate limit)' },
  'trunk-busy': { status: 503, reason: 'Service Unavailable (too many calls in progress)' },
  'internal-error': { status: 500, reason: 'Server Internal Error' },
} as const;

export type SipOutcome = keyof typeof SIP_OUTCOMES;
