/** Records, reports and customers as the API answers them (ISO times), in JSON and CSV. */
import { toCsv } from '../records/csv';
import type { CallRecord, Customer } from '../records/model';
import type { OperatorReportRow, QueueReportRow, ShiftRow } from '../records/report-types';

const iso = (ms: number | undefined | null) => (ms === undefined || ms === null ? undefined : new Date(ms).toISOString());
const round = (v: number | null, digits = 2) => (v === null ? null : Math.round(v * 10 ** digits) / 10 ** digits);

export function callRecordJson(r: CallRecord) {
  return {
    ...r,
    arrivedAt: iso(r.arrivedAt),
    answeredAt: iso(r.answeredAt),
    endedAt: iso(r.endedAt),
    segments: r.segments.map((s) => ({ ...s, startedAt: iso(s.startedAt), endedAt: iso(s.endedAt) })),
  };
}

export function customerJson(c: Customer) {
  return { ...c, createdAt: iso(c.createdAt), updatedAt: iso(c.updatedAt) };
}

/** A past call as the customer card lists it. */
export function cardCallJson(r: CallRecord) {
  return { callId: r.callId, arrivedAt: iso(r.arrivedAt), queue: r.queue, operatorId: r.operatorId, outcome: r.outcome, disposition: r.disposition, notes: r.notes };
}

export function queueRowJson(r: QueueReportRow) {
  return {
    ...r, bucket: iso(r.bucket), serviceLevelPercent: round(r.serviceLevelPercent), asaSeconds: round(r.asaSeconds),
    ahtSeconds: round(r.ahtSeconds),
  };
}

export function operatorRowJson(r: OperatorReportRow) {
  return { ...r, bucket: iso(r.bucket), ahtSeconds: round(r.ahtSeconds), occupancyPercent: round(r.occupancyPercent) };
}

export function shiftRowJson(r: ShiftRow) {
  return { ...r, firstSignIn: iso(r.firstSignIn) ?? null, lastSignOut: iso(r.lastSignOut) ?? null };
}

const QUEUE_COLUMNS = [
  'bucket', 'bucketLabel', 'queue', 'offered', 'answered', 'abandoned', 'shortAbandoned', 'otherUnanswered', 'answeredWithinThreshold',
  'serviceLevelPercent', 'asaSeconds', 'asaP90Seconds', 'ahtSeconds', 'holdSeconds', 'wrapUpSeconds', 'transfers', 'longestWaitSeconds',
] as const;

export function queueReportCsv(rows: QueueReportRow[]): string {
  return toCsv(QUEUE_COLUMNS, rows.map(queueRowJson).map((r) => QUEUE_COLUMNS.map((c) => r[c] as string | number | null)));
}

export function operatorReportCsv(rows: OperatorReportRow[]): string {
  const reasons = [...new Set(rows.flatMap((r) => Object.keys(r.pauseByReason)))].sort();
  const base = ['bucket', 'bucketLabel', 'operatorId', 'answered', 'talkSeconds', 'holdSeconds', 'wrapUpSeconds', 'ahtSeconds', 'transfers', 'loginSeconds', 'pausedSeconds', 'occupancyPercent'] as const;
  return toCsv(
    [...base, ...reasons.map((r) => `paused.${r}`)],
    rows.map(operatorRowJson).map((r) => [...base.map((c) => r[c] as string | number | null), ...reasons.map((x) => r.pauseByReason[x] ?? 0)]),
  );
}

export function shiftReportCsv(rows: ShiftRow[]): string {
  return toCsv(['operatorId', 'day', 'firstSignIn', 'lastSignOut', 'loginSeconds'], rows.map(shiftRowJson).map((r) => [r.operatorId, r.day, r.firstSignIn, r.lastSignOut, r.loginSeconds]));
}
