/**
 * Records that last, as ops meet them: the real server (demo configuration, embedded PGlite in a
 * data directory) answers SIPp calls; stopped with SIGTERM and started again, it still serves every
 * record; killed with SIGKILL during a call, it closes that call's record as interrupted at the next
 * start, and nobody is left on a call.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { assertSippPassed, runSipp } from '../support/sipp';
import { stopAll, waitFor } from '../support/processes';
import { startServer, type ServerProcess } from './server-process';

interface RecordJson { callId: string; outcome: string; caller: string }

describe('records survive restarts of the server', () => {
  afterEach(async () => {
    await stopAll();
  });

  const dir = () => mkdtempSync(path.join(tmpdir(), 'switchboard-records-e2e-'));
  // alice reads every record (admin); the data directory is kept across the restart
  const env = (records: string) => ({ SWITCHBOARD_RECORDS_DIR: records, SWITCHBOARD__roles__admins: '["alice"]' });

  async function records(server: ServerProcess): Promise<RecordJson[]> {
    const token = await server.login('alice', 'alice-demo');
    return (await server.api<{ records: RecordJson[] }>(token, '/api/calls/records?limit=50')).records;
  }

  async function exited(server: ServerProcess, signal: NodeJS.Signals): Promise<number | null> {
    const done = new Promise<number | null>((resolve) => server.proc.child.once('exit', (code) => resolve(code)));
    server.proc.child.kill(signal);
    return done;
  }

  it('keeps every record across SIGTERM and a new start', async () => {
    const data = dir();
    const first = await startServer(env(data));
    const call = await runSipp({ scenario: 'uac-basic', remote: `127.0.0.1:${first.sipPort}`, service: '100', keys: { hold_ms: 600, caller: '4930901' } });
    assertSippPassed(await call.done(), 1);
    await waitFor(async () => (await records(first)).some((r) => r.caller === '4930901'), 'the record', 15_000);
    expect(await exited(first, 'SIGTERM')).toBe(0);

    const second = await startServer(env(data));
    const kept = await records(second);
    expect(kept.filter((r) => r.caller === '4930901')).toEqual([expect.objectContaining({ outcome: 'abandoned' })]);
  });

  it('closes the record of a call cut by SIGKILL as interrupted at the next start; no operator is left on a call', async () => {
    const data = dir();
    const first = await startServer(env(data));
    void runSipp({ scenario: 'uac-basic', remote: `127.0.0.1:${first.sipPort}`, service: '100', keys: { hold_ms: 60_000, caller: '4930902' }, hardTimeoutMs: 90_000 });
    const token = await first.login('alice', 'alice-demo');
    await waitFor(async () => (await first.api<{ calls: unknown[] }>(token, '/api/calls/live')).calls.length === 1, 'the call to be queued', 15_000);
    // the live record reaches the database through the buffered writer: wait for it there
    await waitFor(async () => (await first.api<{ calls?: Array<{ caller: string }> }>(token, '/api/records/calls?limit=10')).calls?.some((c) => c.caller === '4930902') ?? false,
      'the live record to be written', 15_000);
    await exited(first, 'SIGKILL');

    const second = await startServer(env(data));
    const after = await records(second);
    expect(after.filter((r) => r.caller === '4930902')).toEqual([expect.objectContaining({ outcome: 'interrupted' })]);
    const token2 = await second.login('alice', 'alice-demo');
    const operators = await second.api<{ queues: unknown[] }>(token2, '/api/queues');
    expect(operators.queues).toHaveLength(1);
    expect((await second.api<{ calls: unknown[] }>(token2, '/api/calls/live')).calls).toEqual([]);
  });
});
