/**
 * Versioned schema migrations, applied in order at start-up in one transaction, under an advisory
 * lock (several instances may start at once against one server). `schema_version` lists the
 * versions applied. A database at a newer version than the last one here stops start-up
 * (ERR_RECORDS_SCHEMA_NEWER): older code must not write into a schema it does not know.
 * A migration, once released, is never edited: add the next number.
 */
import { RecordsError } from './errors';
import type { SqlClient } from './sql-client';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'calls, segments, operator activity, customers',
    sql: `
create table calls (
  call_id text primary key,
  direction text not null,
  queue text not null,
  trunk_id text not null,
  caller text not null,
  number text not null,
  operator_id text,
  customer_id text,
  instance_id text not null,
  outcome text,
  arrived_at bigint not null,
  answered_at bigint,
  ended_at bigint,
  wait_seconds double precision not null,
  talk_seconds double precision not null,
  hold_seconds double precision not null,
  -- derived from the segments when saved, for reports
  wrap_up_seconds double precision not null default 0,
  transfers integer not null default 0,
  setup_ms double precision,
  disposition text,
  notes text,
  updated_at bigint not null
);
create index calls_arrived on calls (arrived_at);
create index calls_queue_arrived on calls (queue, arrived_at);
create index calls_operator_arrived on calls (operator_id, arrived_at);
create index calls_customer_arrived on calls (customer_id, arrived_at);
create index calls_caller_arrived on calls (caller, arrived_at);
create index calls_live on calls (instance_id) where ended_at is null;

create table call_segments (
  call_id text not null references calls (call_id) on delete cascade,
  seq integer not null,
  kind text not null,
  started_at bigint not null,
  ended_at bigint,
  queue text,
  operator_id text,
  result text,
  target text,
  primary key (call_id, seq)
);
create index call_segments_operator on call_segments (operator_id, started_at) where operator_id is not null;

create table operator_activity (
  id bigserial primary key,
  operator_id text not null,
  state text not null,
  reason text,
  started_at bigint not null,
  ended_at bigint,
  instance_id text not null
);
create index operator_activity_operator on operator_activity (operator_id, started_at);
create index operator_activity_started on operator_activity (started_at);
create unique index operator_activity_open on operator_activity (operator_id) where ended_at is null;

create table customers (
  id text primary key,
  name text,
  company text,
  notes text,
  tags jsonb not null default '[]',
  fields jsonb not null default '{}',
  created_at bigint not null,
  updated_at bigint not null
);
create index customers_name on customers (lower(name));
create table customer_phones (
  phone text primary key,
  customer_id text not null references customers (id) on delete cascade
);
create index customer_phones_customer on customer_phones (customer_id);
`,
  },
  {
    version: 2,
    name: 'calls linked to customers by the caller\'s E.164 number',
    sql: `
alter table calls add column caller_e164 text;
update calls set caller_e164 = caller where caller ~ '^\\+[1-9][0-9]{7,14}$';
create index calls_caller_e164_arrived on calls (caller_e164, arrived_at) where caller_e164 is not null;
`,
  },
  {
    version: 3,
    name: 'the supervisors\' audit of console actions',
    sql: `
create table supervisor_actions (
  id bigserial primary key,
  at bigint not null,
  by_operator text not null,
  action text not null,
  operator_id text,
  call_id text,
  queue text,
  details jsonb not null default '{}'::jsonb
);
create index supervisor_actions_at on supervisor_actions (at);
`,
  },
];

export const LATEST_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;

/** Any number the advisory lock of migrations uses (one per application). */
const MIGRATION_LOCK = 7_117_001;

/** Applies the pending migrations; answers the versions applied. */
export async function migrate(client: SqlClient, migrations: readonly Migration[] = MIGRATIONS): Promise<number[]> {
  const known = migrations[migrations.length - 1]?.version ?? 0;
  return client.transaction(async (tx) => {
    await tx.query('select pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await tx.exec('create table if not exists schema_version (version integer primary key, name text not null, applied_at bigint not null)');
    const rows = await tx.query<{ v: number | null }>('select max(version) as v from schema_version');
    const current = Number(rows[0]?.v ?? 0);
    if (current > known) {
      throw new RecordsError('ERR_RECORDS_SCHEMA_NEWER', `the record database is at schema version ${current}, newer than this code knows (${known}): upgrade Switchboard`, {
        details: { current, known },
      });
    }
    const applied: number[] = [];
    for (const m of migrations) {
      if (m.version <= current) continue;
      try {
        await tx.exec(m.sql);
      } catch (err) {
        throw new RecordsError('ERR_RECORDS_MIGRATION', `migration ${m.version} (${m.name}) failed: ${(err as Error).message}`, { cause: err, details: { version: m.version } });
      }
      await tx.query('insert into schema_version (version, name, applied_at) values ($1, $2, $3)', [m.version, m.name, Date.now()]);
      applied.push(m.version);
    }
    return applied;
  });
}

export async function currentSchemaVersion(client: SqlClient): Promise<number> {
  const rows = await client.query<{ v: number | null }>('select max(version) as v from schema_version');
  return Number(rows[0]?.v ?? 0);
}
