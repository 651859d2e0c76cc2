/**
 * The report API as the report page reads it (`/api/reports/queues|operators|shifts`, see
 * server/http/record-routes.ts): rows with epoch-ms buckets after parsing; durations in seconds.
 */
import { ApiError } from '../api/contract';

export const INTERVALS = ['15m', 'hour', 'day'] as const;
export type ChartInterval = (typeof INTERVALS)[number];
/** `range` is one bucket for the whole period (the tables' totals). */
export type QueryInterval = ChartInterval | 'range';

export interface QueueRow {
  bucket: number;
  bucketLabel: string;
  queue: string;
  offered: number;
  answered: number;
  abandoned: number;
  shortAbandoned: number;
  otherUnanswered: number;
  answeredWithinThreshold: number;
  serviceLevelPercent: number | null;
  asaSeconds: number | null;
  asaP90Seconds: number | null;
  ahtSeconds: number | null;
  transfers: number;
  longestWaitSeconds: number | null;
}

export interface OperatorRow {
  bucket: number;
  bucketLabel: string;
  operatorId: string;
  answered: number;
  talkSeconds: number;
  holdSeconds: number;
  wrapUpSeconds: number;
  ahtSeconds: number | null;
  transfers: number;
  loginSeconds: number;
  pausedSeconds: number;
  pauseByReason: Record<string, number>;
  occupancyPercent: number | null;
}

export interface ShiftRow {
  operatorId: string;
  day: string;
  firstSignIn: number | null;
  lastSignOut: number | null;
  loginSeconds: number;
}

export interface Report<R> {
  timeZone: string;
  rows: R[];
}

type Obj = Record<string, unknown>;

function bad(what: string): never {
  throw new ApiError('ERR_BAD_RESPONSE', `unexpected report from the server: ${what}`, 0);
}
function obj(v: unknown, what: string): Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) bad(`${what} is not an object`);
  return v as Obj;
}
function num(o: Obj, key: string, what: string): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isFinite(v)) bad(`${what}.${key} is not a number`);
  return v;
}
function numOrNull(o: Obj, key: string, what: string): number | null {
  return o[key] === null || o[key] === undefined ? null : num(o, key, what);
}
function str(o: Obj, key: string, what: string): string {
  const v = o[key];
  if (typeof v !== 'string') bad(`${what}.${key} is not a string`);
  return v;
}
function time(o: Obj, key: string, what: string): number {
  const ms = Date.parse(str(o, key, what));
  if (!Number.isFinite(ms)) bad(`${what}.${key} is not a time`);
  return ms;
}
function timeOrNull(o: Obj, key: string, what: string): number | null {
  return o[key] === null || o[key] === undefined ? null : time(o, key, what);
}

function report<R>(v: unknown, row: (o: Obj, what: string) => R): Report<R> {
  const o = obj(v, 'report');
  if (!Array.isArray(o.rows)) bad('report.rows is not a list');
  return { timeZone: str(o, 'timeZone', 'report'), rows: o.rows.map((r, i) => row(obj(r, `rows[${i}]`), `rows[${i}]`)) };
}

export function parseQueueReport(v: unknown): Report<QueueRow> {
  return report(v, (o, w) => ({
    bucket: time(o, 'bucket', w), bucketLabel: str(o, 'bucketLabel', w), queue: str(o, 'queue', w),
    offered: num(o, 'offered', w), answered: num(o, 'answered', w), abandoned: num(o, 'abandoned', w),
    shortAbandoned: num(o, 'shortAbandoned', w), otherUnanswered: num(o, 'otherUnanswered', w),
    answeredWithinThreshold: num(o, 'answeredWithinThreshold', w), serviceLevelPercent: numOrNull(o, 'serviceLevelPercent', w),
    asaSeconds: numOrNull(o, 'asaSeconds', w), asaP90Seconds: numOrNull(o, 'asaP90Seconds', w), ahtSeconds: numOrNull(o, 'ahtSeconds', w),
    transfers: num(o, 'transfers', w), longestWaitSeconds: numOrNull(o, 'longestWaitSeconds', w),
  }));
}

export function parseOperatorReport(v: unknown): Report<OperatorRow> {
  return report(v, (o, w) => {
    const reasons = obj(o.pauseByReason ?? {}, `${w}.pauseByReason`);
    const pauseByReason: Record<string, number> = {};
    for (const key of Object.keys(reasons)) pauseByReason[key] = num(reasons, key, `${w}.pauseByReason`);
    return {
      bucket: time(o, 'bucket', w), bucketLabel: str(o, 'bucketLabel', w), operatorId: str(o, 'operatorId', w),
      answered: num(o, 'answered', w), talkSeconds: num(o, 'talkSeconds', w), holdSeconds: num(o, 'holdSeconds', w),
      wrapUpSeconds: num(o, 'wrapUpSeconds', w), ahtSeconds: numOrNull(o, 'ahtSeconds', w), transfers: num(o, 'transfers', w),
      loginSeconds: num(o, 'loginSeconds', w), pausedSeconds: num(o, 'pausedSeconds', w), pauseByReason,
      occupancyPercent: numOrNull(o, 'occupancyPercent', w),
    };
  });
}

export function parseShiftReport(v: unknown): Report<ShiftRow> {
  return report(v, (o, w) => ({
    operatorId: str(o, 'operatorId', w), day: str(o, 'day', w),
    firstSignIn: timeOrNull(o, 'firstSignIn', w), lastSignOut: timeOrNull(o, 'lastSignOut', w), loginSeconds: num(o, 'loginSeconds', w),
  }));
}
