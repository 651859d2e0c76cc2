/**
 * The supervisors' audit: each console action with who took it, when, and on what (operator,
 * call, queue), details as jsonb. Rows are only added; retention removes old ones with the calls.
 */
import type { SupervisorActionEntry, SupervisorActionFilter } from './record-store';
import type { SqlQueryable, SqlRow } from './sql-client';

export async function recordSupervisorAction(db: SqlQueryable, a: SupervisorActionEntry): Promise<void> {
  await db.query(
    'insert into supervisor_actions (at, by_operator, action, operator_id, call_id, queue, details) values ($1, $2, $3, $4, $5, $6, $7::jsonb)',
    [a.at, a.by, a.action, a.operatorId ?? null, a.callId ?? null, a.queue ?? null, JSON.stringify(a.details)],
  );
}

function toEntry(row: SqlRow): SupervisorActionEntry {
  const details = typeof row.details === 'string' ? JSON.parse(row.details) : row.details;
  return {
    at: Number(row.at), by: String(row.by_operator), action: String(row.action),
    ...(row.operator_id !== null ? { operatorId: String(row.operator_id) } : {}),
    ...(row.call_id !== null ? { callId: String(row.call_id) } : {}),
    ...(row.queue !== null ? { queue: String(row.queue) } : {}),
    details: (details ?? {}) as Record<string, unknown>,
  };
}

/** Newest first. */
export async function querySupervisorActions(db: SqlQueryable, filter: SupervisorActionFilter): Promise<SupervisorActionEntry[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    where.push(sql.replace('?', `$${params.length}`));
  };
  if (filter.from !== undefined) add('at >= ?', filter.from);
  if (filter.to !== undefined) add('at < ?', filter.to);
  if (filter.by !== undefined) add('by_operator = ?', filter.by);
  if (filter.queues !== undefined) add('queue = any(?::text[])', filter.queues);
  params.push(filter.limit ?? 1000);
  const rows = await db.query(
    `select * from supervisor_actions ${where.length ? `where ${where.join(' and ')}` : ''} order by at desc, id desc limit $${params.length}`,
    params,
  );
  return rows.map(toEntry);
}
