/**
 * The narrow SQL connection the record store uses, so one SQL dialect (PostgreSQL) runs on PGlite
 * (embedded, in-process) and on a PostgreSQL server (through `pg`). Parameters are `$1, $2, …`.
 */
export type SqlRow = Record<string, unknown>;

export interface SqlQueryable {
  query<R extends SqlRow = SqlRow>(sql: string, params?: readonly unknown[]): Promise<R[]>;
}

export interface SqlClient extends SqlQueryable {
  /** Which engine: `pglite` or `postgres`. */
  readonly kind: 'pglite' | 'postgres';
  /** Runs several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
  /** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: SqlQueryable & { exec(sql: string): Promise<void> }) => Promise<T>): Promise<T>;
  /** Idempotent. */
  close(): Promise<void>;
}
