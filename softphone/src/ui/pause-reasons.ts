import type { PauseReason } from '../api/contract';

/**
 * Reasons the server sets by itself: a fresh sign-in, an offer that rang out or was declined, and an
 * offer no device of the operator could be reached for (a closed tab, a phone gone offline).
 */
const SERVER_REASONS: Readonly<Record<string, string>> = { login: 'just signed in', 'no-answer': 'no answer', 'device-unreachable': 'phone unreachable' };

/**
 * How a pause reason reads on the page: the configured label, the words for the server's own
 * reasons, else the reason as the server sent it (a queue's own `noAnswerPause`, say).
 */
export function pauseReasonLabel(reason: string, configured: readonly PauseReason[]): string {
  return configured.find((r) => r.id === reason)?.label ?? SERVER_REASONS[reason] ?? reason;
}
