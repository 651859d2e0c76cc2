/** Call records and their segments in SQL (shared by every RecordStore engine). */
import type { CallOutcome, CallRecord, CallRecordFilter, CallSegment, SegmentKind } from './model';
import { tryNormalisePhone, type PhoneOptions } from './phone';
import type { SqlQueryable, SqlRow } from './sql-client';

const num = (v: unknown): number => Number(v);
const opt = <T>(v: T | null | undefined): T | undefined => (v === null || v === undefined ? undefined : v);
const optNum = (v: unknown): number | undefined => (v === null || v === undefined ? undefined : Number(v));

/** Wrap-up seconds and completed transfers, derived from the segments for reports. */
function derived(record: CallRecord): { wrapUpSeconds: number; transfers: number } {
  let wrapUpMs = 0;
  let transfers = 0;
  for (const s of record.segments) {
    if (s.kind === 'wrap-up') wrapUpMs += Math.max(0, (s.endedAt ?? record.endedAt ?? s.startedAt) - s.startedAt);
    if (s.kind === 'transferred' && s.result === 'completed') transfers++;
  }
  return { wrapUpSeconds: wrapUpMs / 1000, transfers };
}

const CALL_COLUMNS = `call_id text, direction text, queue text, trunk_id text, caller text, number text, operator_id text,
  customer_id text, instance_id text, outcome text, arrived_at bigint, answered_at bigint, ended_at bigint,
  wait_seconds double precision, talk_seconds double precision, hold_seconds double precision,
  wrap_up_seconds double precision, transfers integer, setup_ms double precision, disposition text, notes text, updated_at bigint,
  caller_e164 text`;
const CALL_NAMES = CALL_COLUMNS.split(',').map((c) => c.trim().split(/\s+/)[0]);
const KEPT = new Set(['call_id', 'disposition', 'notes', 'customer_id']);
/** The customer owning the caller's number (`r` is the incoming row). */
const OWNER = '(select p.customer_id from customer_phones p where p.phone = r.caller_e164)';

const SEGMENT_COLUMNS = `call_id text, seq integer, kind text, started_at bigint, ended_at bigint, queue text, operator_id text, result text, target text`;
const SEGMENT_NAMES = SEGMENT_COLUMNS.split(',').map((c) => c.trim().split(/\s+/)[0]);

/**
 * One statement (atomic, one round trip): upserts the calls; for the calls written, upserts their
 * segments and deletes the segments no longer in the snapshot. A live snapshot never overwrites a
 * record that already ended (a late retry cannot reopen a call); a disposition already stored is
 * kept when the snapshot has none. The customer is looked up by the caller's E.164 number as the
 * row is written (off the call's path: the writer does this in the background), so a call that
 * arrives unknown is linked by a later snapshot once its customer exists; a link once stored is
 * kept (the calls layer does not know customers). The CTEs touch disjoint rows, as PostgreSQL requires.
 */
const UPSERT = `
with r as (select * from jsonb_to_recordset($1::jsonb) as r(${CALL_COLUMNS})),
up as (
  insert into calls (${CALL_NAMES.join(', ')})
  select ${CALL_NAMES.map((n) => (n === 'customer_id' ? `coalesce(r.customer_id, ${OWNER})` : `r.${n}`)).join(', ')} from r
  on conflict (call_id) do update set
    ${CALL_NAMES.filter((n) => !KEPT.has(n)).map((n) => `${n} = excluded.${n}`).join(', ')},
    customer_id = coalesce(calls.customer_id, excluded.customer_id),
    disposition = coalesce(excluded.disposition, calls.disposition),
    notes = coalesce(excluded.notes, calls.notes)
  where calls.ended_at is null or excluded.ended_at is not null
  returning call_id),
s as (select * from jsonb_to_recordset($2::jsonb) as s(${SEGMENT_COLUMNS})),
gone as (
  delete from call_segments d where d.call_id in (select call_id from up)
    and not exists (select 1 from s where s.call_id = d.call_id and s.seq = d.seq)),
segs as (
  insert into call_segments (${SEGMENT_NAMES.join(', ')})
  select ${SEGMENT_NAMES.map((n) => `s.${n}`).join(', ')} from s where s.call_id in (select call_id from up)
  on conflict (call_id, seq) do update set ${SEGMENT_NAMES.filter((n) => n !== 'call_id' && n !== 'seq').map((n) => `${n} = excluded.${n}`).join(', ')})
select count(*)::int as n from up`;

/** Upserts records with their segments (the last snapshot of a call in the list wins). */
export async function upsertCalls(db: SqlQueryable, records: readonly CallRecord[], now: number, phone: PhoneOptions = {}): Promise<void> {
  const byId = new Map<string, CallRecord>();
  for (const r of records) byId.set(r.callId, r);
  if (byId.size === 0) return;
  const rows = [...byId.values()].map((r) => {
    const d = derived(r);
    return {
      call_id: r.callId, direction: r.direction, queue: r.queue, trunk_id: r.trunkId, caller: r.caller, number: r.number,
      operator_id: r.operatorId ?? null, customer_id: r.customerId ?? null, instance_id: r.instanceId, outcome: r.outcome ?? null,
      arrived_at: r.arrivedAt, answered_at: r.answeredAt ?? null, ended_at: r.endedAt ?? null,
      wait_seconds: r.waitSeconds, talk_seconds: r.talkSeconds, hold_seconds: r.holdSeconds,
      wrap_up_seconds: d.wrapUpSeconds, transfers: d.transfers, setup_ms: r.setupMs ?? null,
      disposition: r.disposition ?? null, notes: r.notes ?? null, updated_at: now,
      caller_e164: tryNormalisePhone(r.caller, phone) ?? null,
    };
  });
  const segments = [...byId.values()].flatMap((r) =>
    r.segments.map((s) => ({
      call_id: r.callId, seq: s.seq, kind: s.kind, started_at: s.startedAt, ended_at: s.endedAt ?? null,
      queue: s.queue ?? null, operator_id: s.operatorId ?? null, result: s.result ?? null, target: s.target ?? null,
    })),
  );
  await db.query(UPSERT, [JSON.stringify(rows), JSON.stringify(segments)]);
}

export async function disposeCall(db: SqlQueryable, callId: string, operatorId: string, disposition: string, notes: string | undefined, now: number): Promise<boolean> {
  const rows = await db.query(
    `update calls set disposition = $3, notes = coalesce($4, notes), updated_at = $5
     where call_id = $1 and (operator_id = $2 or exists (
       select 1 from call_segments s where s.call_id = $1 and s.operator_id = $2 and s.kind in ('answered', 'wrap-up')))
     returning call_id`,
    [callId, operatorId, disposition, notes ?? null, now],
  );
  return rows.length > 0;
}

function toSegment(row: SqlRow): CallSegment {
  const s: CallSegment = { seq: num(row.seq), kind: row.kind as SegmentKind, startedAt: num(row.started_at) };
  if (row.ended_at !== null) s.endedAt = num(row.ended_at);
  for (const [col, key] of [['queue', 'queue'], ['operator_id', 'operatorId'], ['result', 'result'], ['target', 'target']] as const) {
    if (row[col] !== null && row[col] !== undefined) s[key] = String(row[col]);
  }
  return s;
}

function toRecord(row: SqlRow, segments: CallSegment[]): CallRecord {
  const r: CallRecord = {
    callId: String(row.call_id), direction: row.direction as CallRecord['direction'], queue: String(row.queue),
    trunkId: String(row.trunk_id), caller: String(row.caller), number: String(row.number), instanceId: String(row.instance_id),
    arrivedAt: num(row.arrived_at), waitSeconds: num(row.wait_seconds), talkSeconds: num(row.talk_seconds),
    holdSeconds: num(row.hold_seconds), segments,
  };
  const o = opt(row.operator_id as string | null);
  if (o !== undefined) r.operatorId = o;
  const c = opt(row.customer_id as string | null);
  if (c !== undefined) r.customerId = c;
  const out = opt(row.outcome as CallOutcome | null);
  if (out !== undefined) r.outcome = out;
  const a = optNum(row.answered_at);
  if (a !== undefined) r.answeredAt = a;
  const e = optNum(row.ended_at);
  if (e !== undefined) r.endedAt = e;
  const setup = optNum(row.setup_ms);
  if (setup !== undefined) r.setupMs = setup;
  const disp = opt(row.disposition as string | null);
  if (disp !== undefined) r.disposition = disp;
  const notes = opt(row.notes as string | null);
  if (notes !== undefined) r.notes = notes;
  return r;
}

async function withSegments(db: SqlQueryable, rows: SqlRow[]): Promise<CallRecord[]> {
  if (rows.length === 0) return [];
  const segs = await db.query(
    'select * from call_segments where call_id in (select jsonb_array_elements_text($1::jsonb)) order by call_id, seq',
    [JSON.stringify(rows.map((r) => r.call_id))],
  );
  const byCall = new Map<string, CallSegment[]>();
  for (const s of segs) {
    const list = byCall.get(String(s.call_id)) ?? [];
    list.push(toSegment(s));
    byCall.set(String(s.call_id), list);
  }
  return rows.map((r) => toRecord(r, byCall.get(String(r.call_id)) ?? []));
}

export async function getCall(db: SqlQueryable, callId: string): Promise<CallRecord | undefined> {
  const rows = await db.query('select * from calls where call_id = $1', [callId]);
  return (await withSegments(db, rows))[0];
}

/** Largest page a query answers. */
export const MAX_QUERY_LIMIT = 1000;

export async function queryCalls(db: SqlQueryable, filter: CallRecordFilter, phone: PhoneOptions = {}): Promise<CallRecord[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    where.push(sql.replace('?', `$${params.length}`));
  };
  if (filter.from !== undefined) add('arrived_at >= ?', filter.from);
  if (filter.to !== undefined) add('arrived_at < ?', filter.to);
  if (filter.queue !== undefined) add('queue = ?', filter.queue);
  if (filter.operatorId !== undefined) add('operator_id = ?', filter.operatorId);
  if (filter.outcome !== undefined) add('outcome = ?', filter.outcome);
  if (filter.customerId !== undefined) add('customer_id = ?', filter.customerId);
  if (filter.caller !== undefined) add('caller = ?', filter.caller);
  if (filter.handledBy !== undefined) {
    add('(operator_id = ? or exists (select 1 from call_segments s where s.call_id = calls.call_id and s.operator_id = ?::text))', filter.handledBy);
    where[where.length - 1] = (where[where.length - 1] as string).replace('?::text', `$${params.length}::text`);
  }
  const numbersOf = (phones: readonly string[]) =>
    [...new Set(phones.flatMap((p) => [p, tryNormalisePhone(p, phone)]).filter((p): p is string => p !== undefined))];
  if (filter.callers !== undefined) {
    params.push(JSON.stringify(numbersOf(filter.callers)));
    const list = `$${params.length}`;
    where.push(`(caller_e164 in (select jsonb_array_elements_text(${list}::jsonb)) or caller in (select jsonb_array_elements_text(${list}::jsonb)))`);
  }
  if (filter.customerHistory !== undefined) {
    const { customerId, phones } = filter.customerHistory;
    params.push(JSON.stringify(numbersOf(phones)));
    const list = `$${params.length}`;
    let linked = 'false';
    if (customerId !== undefined) {
      params.push(customerId);
      linked = `customer_id = $${params.length}`;
    }
    where.push(`(${linked} or (customer_id is null and (caller_e164 in (select jsonb_array_elements_text(${list}::jsonb))
      or caller in (select jsonb_array_elements_text(${list}::jsonb)))))`);
  }
  if (filter.queues !== undefined) add('queue in (select jsonb_array_elements_text(?::jsonb))', JSON.stringify(filter.queues));
  params.push(Math.min(Math.max(1, filter.limit ?? 100), MAX_QUERY_LIMIT));
  const rows = await db.query(
    `select * from calls ${where.length ? `where ${where.join(' and ')}` : ''} order by arrived_at desc, call_id desc limit $${params.length}`,
    params,
  );
  return withSegments(db, rows);
}

export async function closeInterrupted(tx: SqlQueryable, instanceId: string, now: number): Promise<number> {
  await tx.query(
    `update call_segments set ended_at = $2 where ended_at is null and call_id in (
       select call_id from calls where instance_id = $1 and ended_at is null)`,
    [instanceId, now],
  );
  const rows = await tx.query(
    `update calls set outcome = 'interrupted', ended_at = $2, updated_at = $2,
       wait_seconds = case when answered_at is null then greatest(0, ($2 - arrived_at) / 1000.0) else wait_seconds end
     where instance_id = $1 and ended_at is null returning call_id`,
    [instanceId, now],
  );
  return rows.length;
}
