/** Domain types of the routing core. Everything here is plain data, safe to serialise as JSON. */

export const STRATEGIES = ['longest-idle', 'round-robin', 'fewest-calls', 'least-talk-time', 'ring-all', 'random'] as const;
export type Strategy = (typeof STRATEGIES)[number];

export const OPERATOR_STATES = ['offline', 'available', 'paused', 'reserved', 'ringing', 'on-call', 'wrap-up'] as const;
export type OperatorState = (typeof OPERATOR_STATES)[number];

export const CALL_STATES = ['waiting', 'offered', 'on-call'] as const;
export type CallState = (typeof CALL_STATES)[number];

/** Skill name → level (1..10). */
export type SkillLevels = Record<string, number>;

export interface SkillRequirement {
  name: string;
  level: number;
}

/** After `afterMs` of waiting in the queue, every required level drops by `drop` (a level ≤ 0 is no longer required). */
export interface RelaxationStep {
  afterMs: number;
  drop: number;
}

export type OverflowTarget = 'busy' | { queue: string };

export interface QueueConfig {
  id: string;
  strategy: Strategy;
  ringTimeoutMs: number;
  wrapUpMs: number;
  maxWaitMs?: number;
  maxLength?: number;
  overflow: OverflowTarget;
  /** Pause reason given to an operator who lets an offer ring out; null returns them to available. */
  noAnswerPause: string | null;
  skills: SkillRequirement[];
  relaxation: RelaxationStep[];
  serviceLevelMs: number;
  /** Target share (0..1) of calls answered within `serviceLevelMs`; shown against today's (default 0.8). */
  serviceLevelTarget?: number;
  /** Handle time assumed for the expected-wait estimate until calls have been handled. */
  defaultHandleMs: number;
}

export interface QueueMembership {
  queue: string;
  /** Lower is tried first (0 = first tier). */
  penalty: number;
}

export interface OperatorConfig {
  id: string;
  skills: SkillLevels;
  queues: QueueMembership[];
}

export interface RoutingConfig {
  queues: QueueConfig[];
  operators: OperatorConfig[];
}

export interface OperatorRecord extends OperatorConfig {
  state: OperatorState;
  /** Pause reason while paused. */
  reason?: string;
  /** When the current state began. */
  since: number;
  /** When the operator last became free after a call (or logged in): the longest-idle key. */
  idleSince: number;
  /** Calls answered since login (fewest-calls key). */
  calls: number;
  /** Talk time since login in ms (least-talk-time key). */
  talkMs: number;
  callId?: string;
  token?: string;
  wrapUpEndsAt?: number;
}

export interface CallRecord {
  id: string;
  queueId: string;
  priority: number;
  /** When the call first entered routing; orders calls across queues. */
  arrivedAt: number;
  /** When the call entered its current queue; drives skills relaxation and maximum wait. */
  enqueuedAt: number;
  skills: SkillLevels;
  state: CallState;
  token?: string;
  operatorIds?: string[];
  offeredAt?: number;
  expiresAt?: number;
  operatorId?: string;
  answeredAt?: number;
  /** The instance whose process holds the call's legs; its calls are recovered when it dies. */
  instanceId?: string;
}

/** A call as the calls layer hands it in. */
export interface NewCall {
  id: string;
  queueId: string;
  priority?: number;
  skills?: SkillLevels;
  /** When the call first reached the centre; a transferred call keeps it so that its wait is fair. Default: now. */
  arrivedAt?: number;
  /** The instance holding the call's legs (the `Acd` stamps its own when absent). */
  instanceId?: string;
}

export interface EligibleOperator {
  operatorId: string;
  penalty: number;
  /** The strategy's ordering key (idle-since, calls, talk ms, round-robin rank, or 0). */
  key: number;
}

/** Why an offer went to these operators. */
export interface OperatorChoice {
  kind: 'operator-for-call';
  rule: Strategy;
  queueId: string;
  callId: string;
  picked: string[];
  tier: number;
  requirements: SkillLevels;
  /** The first eligible operators in rank order (at most 10). */
  eligible: EligibleOperator[];
  eligibleCount: number;
  unavailableCount: number;
  lackingSkillsCount: number;
  summary: string;
}

export interface CallCandidate {
  callId: string;
  queueId: string;
  priority: number;
  arrivedAt: number;
}

/** Why an operator who became free got this call. */
export interface CallChoice {
  kind: 'call-for-operator';
  rule: 'priority-then-longest-wait';
  operatorId: string;
  callId: string;
  queueId: string;
  /** The best call of each of the operator's queues, best first. */
  candidates: CallCandidate[];
  summary: string;
}

/** Why a supervisor's assignment went to this operator: they were named (skills and tiers not applied). */
export interface AssignedChoice {
  kind: 'assigned';
  rule: 'named-operator';
  operatorId: string;
  callId: string;
  queueId: string;
  summary: string;
}

export type Explanation = OperatorChoice | CallChoice | AssignedChoice;

export type WithdrawReason = 'no-answer' | 'expired' | 'abandoned' | 'answered-elsewhere' | 'operator-logout';
export type OverflowReason = 'max-length' | 'max-wait';

export type RoutingEvent =
  | { type: 'call-queued'; at: number; callId: string; queueId: string; priority: number; position: number }
  | { type: 'call-overflowed'; at: number; callId: string; fromQueueId: string; toQueueId: string; reason: OverflowReason }
  | { type: 'call-rejected'; at: number; callId: string; queueId: string; reason: OverflowReason }
  | {
      type: 'call-offered';
      at: number;
      callId: string;
      queueId: string;
      operatorIds: string[];
      token: string;
      expiresAt: number;
      explanation: Explanation;
    }
  | { type: 'offer-ringing'; at: number; callId: string; operatorId: string; token: string }
  | { type: 'offer-withdrawn'; at: number; callId: string; queueId: string; operatorId: string; token: string; reason: WithdrawReason }
  | { type: 'call-returned'; at: number; callId: string; queueId: string; position: number }
  | { type: 'call-answered'; at: number; callId: string; queueId: string; operatorId: string; waitedMs: number }
  | { type: 'call-abandoned'; at: number; callId: string; queueId: string; waitedMs: number }
  | {
      type: 'call-completed';
      at: number;
      callId: string;
      queueId: string;
      operatorId: string;
      talkMs: number;
      wrapUpMs: number;
      /** Set when a forced logout ended the call: the calls layer must hang it up. */
      forced?: true;
    }
  | { type: 'operator-state'; at: number; operatorId: string; from: OperatorState; to: OperatorState; reason?: string }
  | { type: 'wrap-up-extended'; at: number; operatorId: string; endsAt: number }
  /** A supervisor moved a waiting call to another queue (a `call-queued` in the new queue follows). */
  | { type: 'call-moved'; at: number; callId: string; fromQueueId: string; toQueueId: string }
  /** A supervisor changed a waiting call's priority; `position` is its new place in its queue. */
  | { type: 'call-priority-changed'; at: number; callId: string; queueId: string; from: number; priority: number; position: number }
  /** A dead instance's calls left routing (`calls` of them); the last event of `recover-instance` when it acted. */
  | { type: 'instance-recovered'; at: number; instanceId: string; calls: number };

export type RoutingEventType = RoutingEvent['type'];

/** Why an offer was not taken (see the `no-answer` command). */
export type NoAnswerCause = 'no-answer' | 'busy' | 'declined' | 'failed' | 'unreachable';

/**
 * The pause reason of an operator none of whose devices could be reached for an offer (a closed browser
 * tab, a phone gone offline): a dead device is not an unanswered call, and it takes no call until fixed.
 */
export const DEVICE_UNREACHABLE_PAUSE = 'device-unreachable';

/** One atomic state change. The store executes each as one unit (one Lua script in Redis). */
export type AcdCommand =
  | { kind: 'enqueue'; call: NewCall }
  | { kind: 'login'; operatorId: string; pausedReason?: string }
  | { kind: 'set-available'; operatorId: string }
  | { kind: 'pause'; operatorId: string; reason: string }
  | { kind: 'logout'; operatorId: string; force?: boolean }
  | { kind: 'end-wrap-up'; operatorId: string }
  | { kind: 'extend-wrap-up'; operatorId: string; ms: number }
  | { kind: 'ringing'; callId: string; operatorId: string; token: string }
  | { kind: 'answered'; callId: string; operatorId: string; token: string }
  /**
   * The offer was not taken. `cause` (default `no-answer`): `busy`/`declined` (the device said so)
   * pause with that reason where the queue pauses on no-answer; `failed` (our side could not use the
   * answer) releases the operator without a pause.
   */
  | { kind: 'no-answer'; callId: string; operatorId: string; token: string; cause?: NoAnswerCause }
  | { kind: 'hangup'; callId: string }
  | { kind: 'abandon'; callId: string }
  /**
   * The instance died: its calls leave routing (waiting and offered ones abandoned, answered ones
   * completed with `forced`), their operators are paused with RECOVERED_REASON. Idempotent.
   * `onlyIfExpired`: nothing happens unless the instance's heartbeat is known and ran out (a peer
   * that came back, or one another peer recovered already, is left alone), and the instance leaves
   * the list of known instances once recovered.
   */
  | { kind: 'recover-instance'; instanceId: string; onlyIfExpired?: boolean }
  /** Supervision: a waiting call moves to another queue (keeps its priority and arrival). */
  | { kind: 'move-call'; callId: string; queueId: string }
  /** Supervision: a waiting call is offered to one named, available operator. */
  | { kind: 'assign-call'; callId: string; operatorId: string }
  /** Supervision: a waiting call's priority (0..99) changes; it takes its new place in its queue. */
  | { kind: 'set-priority'; callId: string; priority: number }
  /** The instance is alive until `aliveUntil` (ms); produces no event. */
  | { kind: 'heartbeat'; instanceId: string; aliveUntil: number };

/** The pause reason of an operator whose call was lost with its instance. */
export const RECOVERED_REASON = 'recovered';

/**
 * What a command may use besides the state: the time, a base for reservation tokens (offers made by
 * one command are `${tokenBase}.1`, `.2`, …) and a seed (0..233279) for the `random` strategy.
 */
export interface CommandContext {
  now: number;
  tokenBase: string;
  seed: number;
}

/** Runtime state of one queue, as stored. */
export interface QueueRecord {
  config: QueueConfig;
  /** Operator id → penalty. */
  members: Record<string, number>;
  /** Waiting call ids, best first. */
  waiting: string[];
  rrLast?: string;
  /** Rolling average handle time (talk + wrap-up), once a call has been handled here. */
  ahtMs?: number;
}

/** Everything a view needs, read in one go from a store. */
export interface AcdStateView {
  queues: QueueRecord[];
  operators: OperatorRecord[];
  calls: CallRecord[];
  /** Pending timers (`w|operator` wrap-up end, `r|call` offer expiry, `c|call` relaxation or maximum wait), earliest first. */
  timers: Array<{ key: string; at: number }>;
}
