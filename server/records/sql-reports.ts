/**
 * Reports computed by SQL, bucketed in the centre's time zone (15 minutes, hour, day, or the whole
 * range). Calls count in the bucket of their arrival; activity intervals are cut at bucket edges.
 * Only finished calls count (a live call has no outcome yet).
 */
import { RecordsError } from './errors';
import type { OperatorReportRow, QueueReportRow, ReportInterval, ReportQuery, ShiftRow } from './report-types';
import { SIGNED_OUT_SQL } from './sql-activity';
import type { SqlQueryable } from './sql-client';

/** Longest range a report covers (a year of 15-minute buckets would be 35,000 rows per queue). */
export const MAX_REPORT_BUCKETS = 20_000;
const BUCKET_MS: Record<ReportInterval, number> = { '15m': 900_000, hour: 3_600_000, day: 86_400_000, range: Infinity };

function check(q: Pick<ReportQuery, 'from' | 'to' | 'timeZone'> & { interval?: ReportInterval }): void {
  if (!Number.isFinite(q.from) || !Number.isFinite(q.to) || q.to <= q.from) {
    throw new RecordsError('ERR_INVALID_INPUT', 'expected from < to (epoch ms)', { details: { field: 'from' } });
  }
  if (q.interval && (q.to - q.from) / BUCKET_MS[q.interval] > MAX_REPORT_BUCKETS) {
    throw new RecordsError('ERR_INVALID_INPUT', `range too long for ${q.interval} buckets (at most ${MAX_REPORT_BUCKETS})`, { details: { field: 'interval' } });
  }
  if (!isTimeZone(q.timeZone)) throw new RecordsError('ERR_INVALID_INPUT', `unknown time zone ${q.timeZone}`, { details: { field: 'timeZone' } });
}

export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** SQL of the local bucket start (timestamp without zone) of an epoch-ms expression; $1 from, $3 zone. */
function bucketOf(interval: ReportInterval, ms: string): string {
  const local = `(to_timestamp(${ms} / 1000.0) at time zone $3::text)`;
  switch (interval) {
    case '15m': return `date_bin('15 minutes', ${local}, timestamp '2000-01-01')`;
    case 'hour': return `date_trunc('hour', ${local})`;
    case 'day': return `date_trunc('day', ${local})`;
    case 'range': return `(to_timestamp($1::bigint / 1000.0) at time zone $3::text)`;
  }
}
const epochOf = (local: string) => `(extract(epoch from (${local} at time zone $3::text)) * 1000)::float8`;
const labelOf = (local: string) => `to_char(${local}, 'YYYY-MM-DD HH24:MI')`;
const STEP: Record<Exclude<ReportInterval, 'range'>, string> = { '15m': '15 minutes', hour: '1 hour', day: '1 day' };

const n = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
const nn = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const pct = (part: number, whole: number): number | null => (whole > 0 ? (100 * part) / whole : null);

export async function queueReport(db: SqlQueryable, q: ReportQuery): Promise<QueueReportRow[]> {
  check(q);
  const params: unknown[] = [q.from, q.to, q.timeZone, JSON.stringify(q.serviceLevelSeconds), q.defaultServiceLevelSeconds, q.shortAbandonSeconds];
  if (q.queue !== undefined) params.push(q.queue);
  const rows = await db.query(
    `with ${numberedBucketsCte(q.interval)},
     c as (
       select queue, ${bucketIndex('arrived_at')} as i, answered_at, outcome, wait_seconds, talk_seconds, hold_seconds, wrap_up_seconds, transfers,
              coalesce(($4::jsonb ->> queue)::float8, $5::float8) as sl
       from calls where arrived_at >= $1::bigint and arrived_at < $2::bigint and ended_at is not null
       ${q.queue !== undefined ? 'and queue = $7' : ''}),
     agg as (
     select i, queue,
       count(*) as offered,
       count(*) filter (where answered_at is not null) as answered,
       count(*) filter (where answered_at is null and outcome = 'abandoned' and wait_seconds >= $6::float8) as abandoned,
       count(*) filter (where answered_at is null and outcome = 'abandoned' and wait_seconds < $6::float8) as short_abandoned,
       count(*) filter (where answered_at is null and outcome <> 'abandoned') as other_unanswered,
       count(*) filter (where answered_at is not null and wait_seconds <= sl) as within,
       avg(wait_seconds) filter (where answered_at is not null) as asa,
       percentile_disc(0.9) within group (order by wait_seconds) filter (where answered_at is not null) as p90,
       avg(talk_seconds + wrap_up_seconds) filter (where answered_at is not null) as aht,
       coalesce(sum(hold_seconds), 0) as hold, coalesce(sum(wrap_up_seconds), 0) as wrap_up,
       coalesce(sum(transfers), 0) as transfers, max(wait_seconds) as longest
     from c group by i, queue)
     select nb.key as bucket, nb.label, agg.* from agg join nb on nb.i = agg.i order by nb.key, agg.queue`,
    params,
  );
  return rows.map((r) => {
    const offered = n(r.offered);
    const shortAbandoned = n(r.short_abandoned);
    const within = n(r.within);
    return {
      bucket: n(r.bucket), bucketLabel: String(r.label), queue: String(r.queue),
      offered, answered: n(r.answered), abandoned: n(r.abandoned), shortAbandoned, otherUnanswered: n(r.other_unanswered),
      answeredWithinThreshold: within, serviceLevelPercent: pct(within, offered - shortAbandoned),
      asaSeconds: nn(r.asa), asaP90Seconds: nn(r.p90), ahtSeconds: nn(r.aht),
      holdSeconds: n(r.hold), wrapUpSeconds: n(r.wrap_up), transfers: n(r.transfers), longestWaitSeconds: nn(r.longest),
    };
  });
}

/** The buckets of [from, to) as a CTE `buckets(bs, be, label)`: bs the bucket start, be its end, both clipped to the range. */
function bucketsCte(interval: ReportInterval): string {
  if (interval === 'range') {
    return `buckets as materialized (select $1::bigint::float8 as key, $1::bigint::float8 as bs, $2::bigint::float8 as be,
      ${labelOf('(to_timestamp($1::bigint / 1000.0) at time zone $3::text)')} as label)`;
  }
  const lf = '(to_timestamp($1::bigint / 1000.0) at time zone $3::text)';
  const lt = '(to_timestamp($2::bigint / 1000.0) at time zone $3::text)';
  const first = bucketOf(interval, '$1::bigint');
  // materialized: computed once, not re-evaluated (with its time zone conversions) for every joined interval
  return `buckets as materialized (
    select ${epochOf('bl')} as key,
           greatest(${epochOf('bl')}, $1::bigint::float8) as bs,
           least(${epochOf(`(bl + interval '${STEP[interval]}')`)}, $2::bigint::float8) as be,
           ${labelOf('bl')} as label
    from generate_series(${first}, ${lt} - interval '1 microsecond', interval '${STEP[interval]}') as bl
    where ${lf} is not null)`;
}

/**
 * The buckets numbered (`i` from 1) and their starts as one sorted array, so each row finds its
 * bucket with `width_bucket` (a binary search) instead of a time zone conversion per row.
 */
function numberedBucketsCte(interval: ReportInterval): string {
  return `${bucketsCte(interval)},
    nb as materialized (select row_number() over (order by key) as i, key, bs, be, label from buckets),
    th as materialized (select array_agg(key order by key) as starts from buckets)`;
}
const bucketIndex = (ms: string) => `width_bucket((${ms})::float8, (select starts from th))`;

interface ActivityTotals { label: string; byState: Map<string, number>; pauseByReason: Record<string, number> }

/** Time per operator, bucket and state (seconds), open intervals counted until `now` (capped at `to`). */
async function activityByBucket(db: SqlQueryable, q: Pick<ReportQuery, 'from' | 'to' | 'timeZone' | 'operatorId'>, interval: ReportInterval, now: number) {
  const params: unknown[] = [q.from, q.to, q.timeZone, Math.min(now, q.to)];
  if (q.operatorId !== undefined) params.push(q.operatorId);
  // each interval, clipped to the range, visits only the buckets it overlaps (found by binary search)
  const rows = await db.query(
    `with ${numberedBucketsCte(interval)},
     a as (
       select operator_id, state, coalesce(reason, 'unspecified') as reason,
              greatest(started_at, $1::bigint) as s, least(coalesce(ended_at, $4::bigint), $2::bigint) as e
       from operator_activity
       where state not in ${SIGNED_OUT_SQL} and started_at < $2::bigint and coalesce(ended_at, $4::bigint) > $1::bigint
         ${q.operatorId !== undefined ? 'and operator_id = $5' : ''})
     select nb.key, nb.label, a.operator_id, a.state, a.reason,
            sum(least(a.e::float8, nb.be) - greatest(a.s::float8, nb.bs)) / 1000.0 as seconds
     from a cross join lateral generate_series(${bucketIndex('a.s')}, ${bucketIndex('a.e - 1')}) as g(i)
       join nb on nb.i = g.i
     where a.e > a.s
     group by nb.key, nb.label, a.operator_id, a.state, a.reason`,
    params,
  );
  const out = new Map<string, ActivityTotals>();
  for (const r of rows) {
    const key = `${n(r.key)}\u0000${String(r.operator_id)}`;
    const t = out.get(key) ?? { label: String(r.label), byState: new Map<string, number>(), pauseByReason: {} };
    const secs = n(r.seconds);
    if (secs <= 0) continue;
    t.byState.set(String(r.state), (t.byState.get(String(r.state)) ?? 0) + secs);
    if (r.state === 'paused') t.pauseByReason[String(r.reason)] = (t.pauseByReason[String(r.reason)] ?? 0) + secs;
    out.set(key, t);
  }
  return out;
}

export async function operatorReport(db: SqlQueryable, q: ReportQuery, now: number): Promise<OperatorReportRow[]> {
  check(q);
  const params: unknown[] = [q.from, q.to, q.timeZone];
  if (q.operatorId !== undefined) params.push(q.operatorId);
  if (q.queue !== undefined) params.push(q.queue);
  const calls = await db.query(
    `with ${numberedBucketsCte(q.interval)},
     agg as (
     select ${bucketIndex('arrived_at')} as i, operator_id,
       count(*) filter (where answered_at is not null) as answered,
       coalesce(sum(talk_seconds), 0) as talk, coalesce(sum(hold_seconds), 0) as hold, coalesce(sum(wrap_up_seconds), 0) as wrap_up,
       avg(talk_seconds + wrap_up_seconds) filter (where answered_at is not null) as aht,
       coalesce(sum(transfers), 0) as transfers
     from calls where arrived_at >= $1::bigint and arrived_at < $2::bigint and ended_at is not null and operator_id is not null
       ${q.operatorId !== undefined ? 'and operator_id = $4' : ''}
       ${q.queue !== undefined ? `and queue = $${params.length}` : ''}
     group by 1, 2)
     select nb.key, nb.label, agg.* from agg join nb on nb.i = agg.i`,
    params,
  );
  const activity = await activityByBucket(db, q, q.interval, now);
  const rows = new Map<string, OperatorReportRow>();
  const row = (key: number, label: string, operatorId: string): OperatorReportRow => {
    const k = `${key}\u0000${operatorId}`;
    let r = rows.get(k);
    if (!r) {
      r = {
        bucket: key, bucketLabel: label, operatorId, answered: 0, talkSeconds: 0, holdSeconds: 0, wrapUpSeconds: 0, ahtSeconds: null,
        transfers: 0, loginSeconds: 0, pausedSeconds: 0, pauseByReason: {}, occupancyPercent: null,
      };
      rows.set(k, r);
    }
    return r;
  };
  for (const c of calls) {
    const r = row(n(c.key), String(c.label), String(c.operator_id));
    Object.assign(r, { answered: n(c.answered), talkSeconds: n(c.talk), holdSeconds: n(c.hold), wrapUpSeconds: n(c.wrap_up), ahtSeconds: nn(c.aht), transfers: n(c.transfers) });
  }
  for (const [k, t] of activity) {
    const [key, operatorId] = k.split('\u0000') as [string, string];
    const r = row(Number(key), t.label, operatorId);
    r.loginSeconds = [...t.byState.values()].reduce((a, s) => a + s, 0);
    r.pausedSeconds = t.byState.get('paused') ?? 0;
    r.pauseByReason = t.pauseByReason;
    const busy = (t.byState.get('on-call') ?? 0) + (t.byState.get('wrap-up') ?? 0);
    r.occupancyPercent = pct(busy, r.loginSeconds - r.pausedSeconds);
  }
  return [...rows.values()].sort((a, b2) => a.bucket - b2.bucket || a.operatorId.localeCompare(b2.operatorId));
}

export async function shiftReport(db: SqlQueryable, q: Pick<ReportQuery, 'from' | 'to' | 'timeZone' | 'operatorId'>, now: number): Promise<ShiftRow[]> {
  check({ ...q, interval: 'day' });
  const params: unknown[] = [q.from, q.to, q.timeZone];
  if (q.operatorId !== undefined) params.push(q.operatorId);
  const rows = await db.query(
    `with ${numberedBucketsCte('day')},
     a as (
       select operator_id, state, started_at,
              lag(state) over (partition by operator_id order by started_at, id) as prev
       from operator_activity
       where started_at < $2::bigint and (ended_at is null or ended_at >= $1::bigint)
         ${q.operatorId !== undefined ? 'and operator_id = $4' : ''}),
     agg as (
       select operator_id, ${bucketIndex('started_at')} as i,
         min(started_at) filter (where state not in ${SIGNED_OUT_SQL} and (prev is null or prev in ${SIGNED_OUT_SQL})) as first_in,
         max(started_at) filter (where state in ${SIGNED_OUT_SQL} and prev is not null and prev not in ${SIGNED_OUT_SQL}) as last_out
       from a where started_at >= $1::bigint
       group by 1, 2)
     select agg.operator_id, substr(nb.label, 1, 10) as day, agg.first_in, agg.last_out from agg join nb on nb.i = agg.i`,
    params,
  );
  const activity = await activityByBucket(db, q, 'day', now);
  const out = new Map<string, ShiftRow>();
  const get = (operatorId: string, day: string) => {
    const k = `${day}\u0000${operatorId}`;
    let r = out.get(k);
    if (!r) {
      r = { operatorId, day, firstSignIn: null, lastSignOut: null, loginSeconds: 0 };
      out.set(k, r);
    }
    return r;
  };
  for (const r of rows) {
    const s = get(String(r.operator_id), String(r.day));
    s.firstSignIn = nn(r.first_in);
    s.lastSignOut = nn(r.last_out);
  }
  for (const [k, t] of activity) {
    const operatorId = k.split('\u0000')[1] as string;
    get(operatorId, t.label.slice(0, 10)).loginSeconds = [...t.byState.values()].reduce((a, s) => a + s, 0);
  }
  return [...out.values()].sort((a, b) => a.day.localeCompare(b.day) || a.operatorId.localeCompare(b.operatorId));
}
