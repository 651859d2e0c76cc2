/**
 * A private PostgreSQL server for tests: `initdb` in a temp dir, `postgres` started as a child
 * process on a free 127.0.0.1 port (its pid is ours: stopped by pid, also when a test fails).
 * PostgreSQL refuses to run as root; as root the binaries run as the `postgres` user (created by
 * Debian's postgresql package), or `nobody` when there is none, and the data dir is chowned to it.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freeTcpPort } from '../support/ports';
import { waitFor } from '../support/processes';

/** The directory holding initdb and postgres: Debian's /usr/lib/postgresql/<newest>/bin, else PATH. */
export function findPostgresBin(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    const versions = readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'postgres'))).sort((a, b) => Number(b) - Number(a));
    if (versions[0]) return join(root, versions[0], 'bin');
  }
  try {
    const initdb = execFileSync('sh', ['-c', 'command -v initdb'], { encoding: 'utf8' }).trim();
    return initdb ? initdb.replace(/\/initdb$/, '') : undefined;
  } catch {
    return undefined;
  }
}

function runAs(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  for (const user of ['postgres', 'nobody']) {
    try {
      const uid = Number(execFileSync('id', ['-u', user], { encoding: 'utf8' }).trim());
      const gid = Number(execFileSync('id', ['-g', user], { encoding: 'utf8' }).trim());
      return { uid, gid };
    } catch {
      // try the next user
    }
  }
  throw new Error('running as root and neither a postgres nor a nobody user exists to run PostgreSQL as');
}

export interface TestPostgres {
  /** postgres://… of the `postgres` database, as superuser `switchboard` (trust auth on 127.0.0.1). */
  url: string;
  port: number;
  pid(): number | undefined;
  /** A fresh empty database; answers its URL. */
  createDatabase(): Promise<string>;
  /** Stops the server (fast shutdown), keeping the data (start() again to resume). */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops it and removes the data directory. */
  destroy(): Promise<void>;
}

export async function startPostgres(): Promise<TestPostgres> {
  const bin = findPostgresBin();
  if (!bin) throw new Error('PostgreSQL binaries not found (install Debian postgresql: scripts/bootstrap)');
  const user = runAs();
  const base = mkdtempSync(join(tmpdir(), 'switchboard-pg-'));
  const dataDir = join(base, 'data');
  if (user) chownSync(base, user.uid, user.gid);
  const ids = user ? { uid: user.uid, gid: user.gid } : {};
  const env = { ...process.env, LC_ALL: 'C', HOME: base };
  execFileSync(join(bin, 'initdb'), ['-D', dataDir, '-U', 'switchboard', '-A', 'trust', '-E', 'UTF8', '--no-sync', '--no-instructions'], {
    ...ids, env, cwd: base, stdio: 'pipe',
  });
  const port = await freeTcpPort();
  const url = `postgres://switchboard@127.0.0.1:${port}/postgres`;
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  let output = '';
  let dbs = 0;

  const start = async () => {
    output = '';
    const c = spawn(join(bin, 'postgres'), [
      '-D', dataDir, '-p', String(port), '-k', base, '-c', 'listen_addresses=127.0.0.1',
      '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=50',
    ], { ...ids, env, cwd: base, stdio: ['ignore', 'pipe', 'pipe'] });
    child = c;
    c.stdout?.on('data', (d: Buffer) => { output += d.toString(); });
    c.stderr?.on('data', (d: Buffer) => { output += d.toString(); });
    exited = new Promise((resolve) => c.once('exit', () => resolve()));
    await waitFor(async () => {
      if (c.exitCode !== null) throw new Error(`postgres exited: ${output}`);
      const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
      client.on('error', () => undefined);
      try {
        await client.connect();
        await client.end();
        return true;
      } catch {
        await client.end().catch(() => undefined);
        return false;
      }
    }, `postgres on ${port}`, 30_000);
  };

  const stop = async () => {
    const c = child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    c.kill('SIGINT'); // fast shutdown: ends client sessions, writes a checkpoint
    const kill = setTimeout(() => c.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(kill);
  };

  await start();
  return {
    url,
    port,
    pid: () => child?.pid,
    async createDatabase() {
      const name = `t${process.pid}_${++dbs}`;
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`create database ${name}`);
      } finally {
        await client.end();
      }
      return url.replace(/\/postgres$/, `/${name}`);
    },
    stop,
    start,
    async destroy() {
      await stop();
      rmSync(base, { recursive: true, force: true });
    },
  };
}
