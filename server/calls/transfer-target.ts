import type { Directory } from './ports';

/** Whom a transfer goes to, resolved from the REFER target's user part. */
export type TransferTarget =
  | { kind: 'operator'; id: string }
  | { kind: 'queue'; id: string }
  | { kind: 'number'; id: string }
  | { kind: 'unknown'; id: string };

/** Prefix that names a queue in a transfer target (`sip:queue-sales@…`). */
export const QUEUE_TARGET_PREFIX = 'queue-';

/**
 * An operator's SIP user name → that operator; `queue-ID` or a queue id → the queue; a number
 * (digits, optional +) → an external number; anything else is unknown.
 */
export function resolveTransferTarget(user: string, directory: Directory): TransferTarget {
  const operator = directory.operatorBySipUser(user);
  if (operator) return { kind: 'operator', id: operator };
  const queue = user.startsWith(QUEUE_TARGET_PREFIX) ? user.slice(QUEUE_TARGET_PREFIX.length) : user;
  if (directory.hasQueue(queue)) return { kind: 'queue', id: queue };
  if (/^\+?[0-9]{3,15}$/.test(user)) return { kind: 'number', id: user };
  return { kind: 'unknown', id: user };
}
