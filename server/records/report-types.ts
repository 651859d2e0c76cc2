/** Report queries and rows (all times epoch ms; durations in seconds). */

export const REPORT_INTERVALS = ['15m', 'hour', 'day', 'range'] as const;
/** Buckets in the centre's time zone; `range` is one bucket for the whole [from, to). */
export type ReportInterval = (typeof REPORT_INTERVALS)[number];

export interface ReportQuery {
  from: number;
  to: number;
  interval: ReportInterval;
  /** IANA zone, e.g. Europe/Berlin (`records.timeZone`). */
  timeZone: string;
  /** Abandons after less than this wait are counted apart (`records.shortAbandonSeconds`). */
  shortAbandonSeconds: number;
  /** Service level threshold per queue in seconds (the queue's `serviceLevelMs`); others use `defaultServiceLevelSeconds`. */
  serviceLevelSeconds: Record<string, number>;
  defaultServiceLevelSeconds: number;
  queue?: string;
  operatorId?: string;
}

export interface QueueReportRow {
  /** Start of the bucket (epoch ms) and its local wall-clock label (`YYYY-MM-DD HH:MM`). */
  bucket: number;
  bucketLabel: string;
  queue: string;
  offered: number;
  answered: number;
  /** Abandoned after at least `shortAbandonSeconds` of waiting. */
  abandoned: number;
  shortAbandoned: number;
  /** Other endings (overflow, busy, failed, interrupted, …) without an answer. */
  otherUnanswered: number;
  answeredWithinThreshold: number;
  /** answeredWithinThreshold / (offered − shortAbandoned), in %; null when nothing counted. */
  serviceLevelPercent: number | null;
  asaSeconds: number | null;
  /** The 90th percentile of the answered calls' waits (nearest rank). */
  asaP90Seconds: number | null;
  /** Talk (hold included) + wrap-up of the answered calls, averaged. */
  ahtSeconds: number | null;
  holdSeconds: number;
  wrapUpSeconds: number;
  transfers: number;
  longestWaitSeconds: number | null;
}

export interface OperatorReportRow {
  bucket: number;
  bucketLabel: string;
  operatorId: string;
  answered: number;
  talkSeconds: number;
  holdSeconds: number;
  wrapUpSeconds: number;
  ahtSeconds: number | null;
  transfers: number;
  /** Signed in (any state but offline) within the bucket. */
  loginSeconds: number;
  pausedSeconds: number;
  /** Paused time by reason (`unspecified` when none). */
  pauseByReason: Record<string, number>;
  /** Time on calls and in wrap-up / (login − paused), in %; null without available time. */
  occupancyPercent: number | null;
}

export interface ShiftRow {
  operatorId: string;
  /** Local date `YYYY-MM-DD`. */
  day: string;
  firstSignIn: number | null;
  lastSignOut: number | null;
  loginSeconds: number;
}
