/** The embedded PostgreSQL (PGlite, WASM, in-process): a data directory, or memory when none. */
import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { RecordsError } from './errors';
import type { SqlClient, SqlQueryable, SqlRow } from './sql-client';

export async function openPgliteClient(dir?: string): Promise<SqlClient> {
  if (dir) await mkdir(dir, { recursive: true });
  let db: PGlite;
  try {
    db = new PGlite(dir);
    await db.waitReady;
  } catch (err) {
    throw new RecordsError('ERR_RECORDS_UNAVAILABLE', `cannot open the embedded database${dir ? ` in ${dir}` : ''}`, { cause: err });
  }
  let closed = false;
  const wrap = (q: { query: PGlite['query']; exec: PGlite['exec'] }): SqlQueryable & { exec(sql: string): Promise<void> } => ({
    async query<R extends SqlRow>(sql: string, params: readonly unknown[] = []) {
      const res = await q.query<R>(sql, params as unknown[]);
      return res.rows;
    },
    async exec(sql: string) {
      await q.exec(sql);
    },
  });
  const base = wrap(db);
  return {
    kind: 'pglite',
    query: (sql, params) => {
      if (closed) throw new RecordsError('ERR_RECORDS_CLOSED', 'the record database is closed');
      return base.query(sql, params);
    },
    exec: (sql) => base.exec(sql),
    transaction: (fn) => db.transaction((tx) => fn(wrap(tx))),
    async close() {
      if (closed) return;
      closed = true;
      await db.close();
    },
  };
}
