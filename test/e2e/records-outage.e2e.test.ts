/**
 * The record database stopped mid-run, as ops meet it: the real server (dist) keeps its records in
 * a PostgreSQL server the test starts (`records.url`). A SIPp trunk calls and a sip.js operator
 * answers; PostgreSQL is stopped (fast shutdown) → calls are still answered and recorded into the
 * writer's buffer, /readyz stays ready and reports `records: degraded`; PostgreSQL started again →
 * the records of the calls made during the outage appear through the API, and nothing was dropped.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { startOperator } from '../calls/call-stack';
import { startPostgres, type TestPostgres } from '../records/postgres-server';
import { stopAll, waitFor } from '../support/processes';
import { assertSippPassed, runSipp } from '../support/sipp';
import { startServer, type ServerProcess } from './server-process';

interface CallJson { callId: string; caller: string; outcome?: string; operatorId?: string }
interface ReadyJson { status: string; parts: Record<string, string> }

const LONG = 60_000;
/** Calls placed while the database is away (one after another: one operator). */
const OUTAGE_CALLS = 3;

/** One queue without wrap-up time, one operator (sip.js password `pw-alice`, also an admin reading every record). */
function configFile(): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'switchboard-outage-')), 'switchboard.yaml');
  writeFileSync(file, `
trunks: [{ id: local, allow: [127.0.0.1] }]
numbers: [{ number: "100", queue: support }]
queues: [{ id: support, strategy: longest-idle, ringTimeoutMs: 15000, wrapUpMs: 0 }]
roles: { admins: [alice] }
operators:
  - { id: alice, name: Alice, sip: { username: alice, password: pw-alice }, queues: [{ queue: support }] }
`);
  return file;
}

describe('the record database stopped mid-run', () => {
  let pg: TestPostgres | undefined;
  let operator: Awaited<ReturnType<typeof startOperator>> | undefined;

  afterEach(async () => {
    await operator?.stop().catch(() => undefined);
    await stopAll();
    await pg?.destroy();
  });

  async function readyz(server: ServerProcess): Promise<{ status: number; body: ReadyJson }> {
    const res = await fetch(`${server.url}/readyz`);
    return { status: res.status, body: (await res.json()) as ReadyJson };
  }

  async function metric(server: ServerProcess, name: string): Promise<number> {
    const text = await (await fetch(`${server.url}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith(`${name} `));
    if (!line) throw new Error(`no metric ${name}`);
    return Number(line.slice(name.length + 1));
  }

  /** One trunk call from `caller`, held long enough for the operator to answer and talk. */
  async function call(server: ServerProcess, caller: string): Promise<void> {
    const rung = operator!.invitations.length;
    const trunk = await runSipp({ scenario: 'uac-basic', remote: `127.0.0.1:${server.sipPort}`, service: '100', keys: { hold_ms: 3000, caller }, hardTimeoutMs: LONG });
    await waitFor(() => operator!.invitations.length > rung, `the operator to ring for ${caller}`, LONG);
    assertSippPassed(await trunk.done(), 1);
    const inv = operator!.invitations[rung]!;
    await waitFor(() => inv.state === 'Terminated', `the operator leg of ${caller} to end`, LONG);
  }

  it('answers calls while PostgreSQL is down, reports records degraded, and writes every record once it is back', async () => {
    pg = await startPostgres();
    const db = await pg.createDatabase();
    const server = await startServer({ SWITCHBOARD_CONFIG: configFile(), SWITCHBOARD_RECORDS_URL: db });
    operator = await startOperator('alice', server.wsPort);
    const token = await server.login('alice', 'pw-alice');
    const status = await fetch(`${server.url}/api/operators/me/status`, {
      method: 'PUT', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ status: 'available' }),
    });
    expect(status.status).toBe(200);
    // while the database is away the API answers an error (no `calls`)
    const recorded = async (caller: string) =>
      (await server.api<{ calls?: CallJson[] }>(token, `/api/records/calls?caller=${caller}`)).calls ?? [];

    // before: a call answered and recorded
    await call(server, '4930700100');
    await waitFor(async () => (await recorded('4930700100'))[0]?.outcome === 'answered', 'the first record', LONG);
    expect((await readyz(server)).body.parts.records).toBe('up');

    // PostgreSQL stops (fast shutdown: open sessions are ended)
    await pg.stop();
    const outage = Array.from({ length: OUTAGE_CALLS }, (_, i) => `49307002${String(i).padStart(2, '0')}`);
    for (const caller of outage) await call(server, caller);
    // still ready (calls flow), and it says the records wait
    await waitFor(async () => (await readyz(server)).body.parts.records === 'degraded', '/readyz to report records degraded', LONG);
    const during = await readyz(server);
    expect(during).toEqual({ status: 200, body: { status: 'ready', parts: expect.objectContaining({ records: 'degraded', sip: 'up', media: 'up' }) } });
    expect(await metric(server, 'switchboard_records_pending')).toBeGreaterThanOrEqual(OUTAGE_CALLS);
    expect(await metric(server, 'switchboard_records_write_failures_total')).toBeGreaterThan(0);

    // PostgreSQL back: the buffered records are written
    await pg.start();
    for (const caller of outage) {
      await waitFor(async () => {
        try {
          return (await recorded(caller))[0]?.outcome === 'answered';
        } catch {
          return false; // the API's first queries may meet connections the outage closed
        }
      }, `the record of ${caller}, made during the outage`, 2 * LONG);
      expect(await recorded(caller)).toEqual([expect.objectContaining({ caller, outcome: 'answered', operatorId: 'alice' })]);
    }
    await waitFor(async () => (await readyz(server)).body.parts.records === 'up', '/readyz to report records up again', LONG);
    expect(await metric(server, 'switchboard_records_dropped_total')).toBe(0);
    expect(await metric(server, 'switchboard_records_rejected_total')).toBe(0);
    await waitFor(async () => (await metric(server, 'switchboard_records_pending')) === 0, 'the buffer to empty', LONG);
    // and the calls go on being recorded as usual
    await call(server, '4930700300');
    await waitFor(async () => (await recorded('4930700300'))[0]?.outcome === 'answered', 'a record after the outage', LONG);
  }, 8 * LONG);
});
