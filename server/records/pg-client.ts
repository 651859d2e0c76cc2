/** A PostgreSQL server through `pg` (a small pool): several Switchboard instances share one history. */
import pg from 'pg';
import { RecordsError } from './errors';
import type { SqlClient, SqlQueryable, SqlRow } from './sql-client';

export interface PgClientOptions {
  url: string;
  /** Connections in the pool. Default 4. */
  poolSize?: number;
  /** Give up connecting after this long. Default 5 s. */
  connectTimeoutMs?: number;
  /** Called when an idle connection fails (the server went away); the pool replaces it. */
  onError?: (err: Error) => void;
}

export async function openPgClient(options: PgClientOptions): Promise<SqlClient> {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize ?? 4,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5_000,
    // JIT compiling the report queries costs seconds and saves nothing at their size
    options: '-c jit=off',
  });
  // an idle client's error (server restart) must not crash the process; the next query reconnects
  pool.on('error', (err) => options.onError?.(err));
  try {
    const c = await pool.connect();
    c.release();
  } catch (err) {
    await pool.end();
    throw new RecordsError('ERR_RECORDS_UNAVAILABLE', `cannot connect to the record database: ${(err as Error).message}`, { cause: err });
  }
  let closed = false;
  const on = (q: pg.Pool | pg.PoolClient): SqlQueryable & { exec(sql: string): Promise<void> } => ({
    async query<R extends SqlRow>(sql: string, params: readonly unknown[] = []) {
      const res = await q.query<R>(sql, params as unknown[]);
      return res.rows;
    },
    async exec(sql: string) {
      await q.query(sql);
    },
  });
  const base = on(pool);
  return {
    kind: 'postgres',
    query: (sql, params) => {
      if (closed) throw new RecordsError('ERR_RECORDS_CLOSED', 'the record database is closed');
      return base.query(sql, params);
    },
    exec: (sql) => base.exec(sql),
    async transaction(fn) {
      const client = await pool.connect();
      let broken: Error | undefined;
      try {
        await client.query('BEGIN');
        const result = await fn(on(client));
        await client.query('COMMIT');
        return result;
      } catch (err) {
        try {
          await client.query('ROLLBACK');
        } catch (rollbackErr) {
          // the connection itself failed: drop it from the pool rather than reuse it
          broken = rollbackErr as Error;
          options.onError?.(broken);
        }
        throw err;
      } finally {
        client.release(broken);
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
}
