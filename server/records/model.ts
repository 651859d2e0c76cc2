/**
 * The record model: what Switchboard remembers of calls, operators' working time and customers.
 * Storage-neutral (the record store maps it to SQL); the calls layer produces call records, the
 * routing core's operator-state events produce activity, the API manages customers.
 * Times are epoch milliseconds.
 */

export const CALL_OUTCOMES = [
  'answered', 'abandoned', 'overflow', 'busy', 'failed',
  /** The server stopped (crash, kill) while the call was live; closed at the next start. */
  'interrupted',
  /** The media relay was lost and the call could not be re-established. */
  'media-lost',
  /** Handed to an external number: the call left the centre after being answered. */
  'transferred-out',
] as const;
/** How a call ended. */
export type CallOutcome = (typeof CALL_OUTCOMES)[number];

export type CallDirection = 'inbound' | 'outbound';

export const SEGMENT_KINDS = [
  /** Waiting in a queue (one per queue visit; a transfer to a queue opens another). */
  'queued',
  /** Ringing one operator; `result` says how it ended. */
  'offered',
  /** Talking with an operator (from answer until the operator leaves the call). */
  'answered',
  /** The call on hold, by `operatorId` (or by the caller's side when absent). */
  'held',
  /** A transfer requested by `operatorId` to `target`; `result` says how it ended. */
  'transferred',
  /** A consultation call by `operatorId` with `target` while the caller waits. */
  'consult',
  /** A conference of the caller, `operatorId` and `target`. */
  'conference',
  /** The operator's after-call work for this call. */
  'wrap-up',
] as const;
export type SegmentKind = (typeof SEGMENT_KINDS)[number];

/** One step of a call's life. Segments are numbered in the order they started. */
export interface CallSegment {
  seq: number;
  kind: SegmentKind;
  startedAt: number;
  /** Absent while the segment is in progress. */
  endedAt?: number;
  queue?: string;
  operatorId?: string;
  /** offered: answered | no-answer | declined | unreachable | canceled; transferred: completed | failed | canceled. */
  result?: string;
  /** Transfer/consult/conference target: `operator:ID`, `queue:ID` or `number:E164`. */
  target?: string;
}

/** The call detail record: one per call, written as the call progresses. */
export interface CallRecord {
  callId: string;
  direction: CallDirection;
  /** The queue the call was first queued in (its last queue is in the segments). */
  queue: string;
  trunkId: string;
  /** The caller's number as received (the customer's number on outbound calls). */
  caller: string;
  /** The dialled number. */
  number: string;
  /** The last operator who talked with the caller. */
  operatorId?: string;
  customerId?: string;
  /** Which Switchboard instance handles the call (to close its live calls after a crash). */
  instanceId: string;
  /** Absent while the call is live. */
  outcome?: CallOutcome;
  arrivedAt: number;
  /** The first answer by an operator. */
  answeredAt?: number;
  /** Absent while the call is live. */
  endedAt?: number;
  /** From arrival to the first answer (or the end). */
  waitSeconds: number;
  /** Time with an operator, hold included. */
  talkSeconds: number;
  holdSeconds: number;
  /** From the trunk's INVITE to our 200 OK, when the call was answered into the queue. */
  setupMs?: number;
  /** Filled in by the operator's wrap-up. */
  disposition?: string;
  notes?: string;
  segments: CallSegment[];
}

/** Filter of call record queries; all given fields must match. `from`/`to` bound `arrivedAt` as [from, to). */
export interface CallRecordFilter {
  from?: number;
  to?: number;
  queue?: string;
  operatorId?: string;
  outcome?: CallOutcome;
  customerId?: string;
  caller?: string;
  /** Calls this operator handled: the call's operator, or any segment's (offered, answered, transfer, wrap-up…). */
  handledBy?: string;
  /**
   * A customer's history: calls linked to `customerId`, and calls linked to no customer from one of
   * `phones` (as dialled or in E.164) — calls recorded before they could be linked.
   */
  customerHistory?: { customerId?: string; phones: readonly string[] };
  /** Calls from any of these numbers (as dialled or in E.164). */
  callers?: readonly string[];
  /** Calls first queued in any of these queues (an empty list matches nothing). */
  queues?: string[];
  /** Newest first; default 100. */
  limit?: number;
}

/** An operator's state change, as the routing core reports it (`operator-state` events). */
export interface OperatorActivity {
  operatorId: string;
  /** The new state: signed-out, available, paused, ringing, on-call, wrap-up. */
  state: string;
  /** Why (pause reasons such as `break`, `no-answer`, `login`). */
  reason?: string;
  at: number;
  instanceId: string;
}

export interface Customer {
  id: string;
  /** E.164, e.g. +4930123456. */
  phones: string[];
  name?: string;
  company?: string;
  notes?: string;
  tags: string[];
  /** Free fields defined by the centre. */
  fields: Record<string, string>;
  createdAt: number;
  updatedAt: number;
}
