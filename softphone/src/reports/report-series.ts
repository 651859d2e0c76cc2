/**
 * Report rows → chart series and table rows. The API answers only the buckets that hold data; the
 * charts show every bucket of the range (counts 0, rates as gaps), in the centre's time zone.
 */
import type { ChartInterval, OperatorRow, QueueRow, ShiftRow } from './report-contract';
import { addDays, daysBetween, zonedMidnight } from './zoned-time';

const STEP_MS: Record<Exclude<ChartInterval, 'day'>, number> = { '15m': 900_000, hour: 3_600_000 };

/** Start instants of every bucket from local midnight of `fromDate` to the end of `toDate` (inclusive). */
export function bucketStarts(fromDate: string, toDate: string, interval: ChartInterval, timeZone: string): number[] {
  const days = daysBetween(fromDate, toDate);
  if (interval === 'day') return Array.from({ length: days + 1 }, (_, d) => zonedMidnight(addDays(fromDate, d), timeZone));
  const from = zonedMidnight(fromDate, timeZone);
  const to = zonedMidnight(addDays(toDate, 1), timeZone);
  const out: number[] = [];
  for (let t = from; t < to; t += STEP_MS[interval]) out.push(t);
  return out;
}

function axis(starts: readonly number[], rows: ReadonlyArray<{ bucket: number }>): { x: number[]; index: Map<number, number> } {
  const all = [...new Set([...starts, ...rows.map((r) => r.bucket)])].sort((a, b) => a - b);
  return { x: all.map((ms) => ms / 1000), index: new Map(all.map((ms, i) => [ms, i])) };
}

export interface QueueSeries {
  /** Bucket starts in epoch seconds (uPlot's x). */
  x: number[];
  offered: number[];
  answered: number[];
  abandoned: number[];
  /** Answered within the threshold / (offered − short abandons), in %; null without calls. */
  serviceLevel: Array<number | null>;
  /** Average speed of answer in seconds (weighted by answered calls); null without answers. */
  asa: Array<number | null>;
}

/** Every queue's rows summed per bucket. */
export function queueSeries(rows: readonly QueueRow[], starts: readonly number[]): QueueSeries {
  const { x, index } = axis(starts, rows);
  const zeros = () => x.map(() => 0);
  const s = { offered: zeros(), answered: zeros(), abandoned: zeros(), within: zeros(), counted: zeros(), waited: zeros(), timed: zeros() };
  for (const r of rows) {
    const i = index.get(r.bucket) as number;
    s.offered[i] += r.offered;
    s.answered[i] += r.answered;
    s.abandoned[i] += r.abandoned;
    s.within[i] += r.answeredWithinThreshold;
    s.counted[i] += r.offered - r.shortAbandoned;
    if (r.asaSeconds !== null) {
      s.waited[i] += r.asaSeconds * r.answered;
      s.timed[i] += r.answered;
    }
  }
  return {
    x, offered: s.offered, answered: s.answered, abandoned: s.abandoned,
    serviceLevel: x.map((_, i) => ((s.counted[i] as number) > 0 ? (100 * (s.within[i] as number)) / (s.counted[i] as number) : null)),
    asa: x.map((_, i) => ((s.timed[i] as number) > 0 ? (s.waited[i] as number) / (s.timed[i] as number) : null)),
  };
}

export interface OperatorSeries {
  x: number[];
  operators: string[];
  /** Per operator (same order), per bucket. */
  answered: number[][];
  occupancy: Array<Array<number | null>>;
}

export function operatorSeries(rows: readonly OperatorRow[], starts: readonly number[]): OperatorSeries {
  const { x, index } = axis(starts, rows);
  const operators = [...new Set(rows.map((r) => r.operatorId))].sort();
  const answered = operators.map(() => x.map(() => 0));
  const occupancy = operators.map(() => x.map((): number | null => null));
  for (const r of rows) {
    const o = operators.indexOf(r.operatorId);
    const i = index.get(r.bucket) as number;
    (answered[o] as number[])[i] = r.answered;
    (occupancy[o] as Array<number | null>)[i] = r.occupancyPercent;
  }
  return { x, operators, answered, occupancy };
}

export interface OperatorTableRow extends OperatorRow {
  /** Earliest sign-in and latest sign-out over the range's days (shift report); null when none. */
  firstSignIn: number | null;
  lastSignOut: number | null;
}

/** The range's operator rows with their shifts; operators with a shift but no report row are listed too. */
export function operatorTable(rows: readonly OperatorRow[], shifts: readonly ShiftRow[]): OperatorTableRow[] {
  const byId = new Map<string, OperatorTableRow>();
  for (const r of rows) byId.set(r.operatorId, { ...r, firstSignIn: null, lastSignOut: null });
  for (const s of shifts) {
    let row = byId.get(s.operatorId);
    if (!row) {
      row = {
        bucket: rows[0]?.bucket ?? 0, bucketLabel: rows[0]?.bucketLabel ?? '', operatorId: s.operatorId, answered: 0, talkSeconds: 0, holdSeconds: 0,
        wrapUpSeconds: 0, ahtSeconds: null, transfers: 0, loginSeconds: 0, pausedSeconds: 0, pauseByReason: {}, occupancyPercent: null,
        firstSignIn: null, lastSignOut: null,
      };
      byId.set(s.operatorId, row);
    }
    if (s.firstSignIn !== null && (row.firstSignIn === null || s.firstSignIn < row.firstSignIn)) row.firstSignIn = s.firstSignIn;
    if (s.lastSignOut !== null && (row.lastSignOut === null || s.lastSignOut > row.lastSignOut)) row.lastSignOut = s.lastSignOut;
  }
  return [...byId.values()].sort((a, b) => a.operatorId.localeCompare(b.operatorId));
}
