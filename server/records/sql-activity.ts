/**
 * Operator activity as state intervals: each state change closes the operator's open interval and
 * opens the next one. A repeated event (same state and reason) changes nothing, so replays are safe.
 */
import type { OperatorActivity } from './model';
import type { ActivityFilter, ActivityInterval } from './record-store';
import type { SqlQueryable, SqlRow } from './sql-client';

/** States that mean "not signed in" (the routing core says `offline`). */
export const SIGNED_OUT_STATES = ['offline', 'signed-out'] as const;
export const SIGNED_OUT_SQL = `('offline', 'signed-out')`;

export async function recordActivity(tx: SqlQueryable, a: OperatorActivity): Promise<void> {
  const open = await tx.query<{ id: unknown; state: string; reason: string | null }>(
    'select id, state, reason from operator_activity where operator_id = $1 and ended_at is null for update',
    [a.operatorId],
  );
  const current = open[0];
  if (current && current.state === a.state && (current.reason ?? undefined) === a.reason) return;
  if (current) {
    await tx.query('update operator_activity set ended_at = greatest($2::bigint, started_at) where id = $1', [current.id, a.at]);
  }
  await tx.query(
    'insert into operator_activity (operator_id, state, reason, started_at, instance_id) values ($1, $2, $3, $4, $5)',
    [a.operatorId, a.state, a.reason ?? null, a.at, a.instanceId],
  );
}

function toInterval(row: SqlRow): ActivityInterval {
  const i: ActivityInterval = {
    operatorId: String(row.operator_id), state: String(row.state), startedAt: Number(row.started_at), instanceId: String(row.instance_id),
  };
  if (row.reason !== null) i.reason = String(row.reason);
  if (row.ended_at !== null) i.endedAt = Number(row.ended_at);
  return i;
}

export async function queryActivity(db: SqlQueryable, filter: ActivityFilter): Promise<ActivityInterval[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  if (filter.operatorId !== undefined) {
    params.push(filter.operatorId);
    where.push(`operator_id = $${params.length}`);
  }
  if (filter.to !== undefined) {
    params.push(filter.to);
    where.push(`started_at < $${params.length}`);
  }
  if (filter.from !== undefined) {
    params.push(filter.from);
    where.push(`(ended_at is null or ended_at > $${params.length})`);
  }
  params.push(Math.min(Math.max(1, filter.limit ?? 1000), 10_000));
  const rows = await db.query(
    `select * from operator_activity ${where.length ? `where ${where.join(' and ')}` : ''} order by started_at, id limit $${params.length}`,
    params,
  );
  return rows.map(toInterval);
}

/** Closes the open intervals a dead instance left (the operator's state is unknown from then on). */
export async function closeActivityOf(tx: SqlQueryable, instanceId: string, now: number): Promise<number> {
  const rows = await tx.query(
    'update operator_activity set ended_at = greatest($2::bigint, started_at) where instance_id = $1 and ended_at is null returning id',
    [instanceId, now],
  );
  return rows.length;
}
