/**
 * Graceful drain on SIGTERM, on the real server: a call in progress (queued, caller hears music)
 * is let finish; a new call meanwhile is refused with 503 and Retry-After; then the process exits 0.
 */
import { assertSippPassed, runSipp } from '../support/sipp';
import { stopAll, waitFor } from '../support/processes';
import { startServer } from '../e2e/server-process';

describe('graceful drain', () => {
  afterAll(async () => stopAll());

  it('refuses new calls with 503, lets the call in progress finish, and exits 0', async () => {
    const server = await startServer({ SWITCHBOARD__ops__drainTimeoutMs: '20000' });
    const remote = `127.0.0.1:${server.sipPort}`;
    const inProgress = await runSipp({ scenario: 'uac-basic', remote, service: '100', keys: { hold_ms: 3000 }, hardTimeoutMs: 20_000 });
    await waitFor(async () => {
      const text = await (await fetch(`${server.url}/metrics`)).text();
      return /^switchboard_calls_waiting\{queue="support"\} 1$/m.test(text);
    }, 'the first call to be queued', 10_000);

    server.proc.child.kill('SIGTERM');
    const refused = await runSipp({ scenario: 'uac-expect-status', remote, service: '100', keys: { status: 503 }, traceMessages: true, hardTimeoutMs: 15_000 });
    const refusedResult = await refused.done();
    assertSippPassed(refusedResult, 1);
    expect(refusedResult.messageLog).toMatch(/SIP\/2\.0 503[^\n]*\n(?:[^\n]+\n)*?Retry-After: 30/i);
    expect(server.proc.child.exitCode).toBeNull(); // still draining: the first call goes on
    const ready = await fetch(`${server.url}/readyz`);
    expect([ready.status, ((await ready.json()) as { status: string }).status]).toEqual([503, 'draining']);

    assertSippPassed(await inProgress.done(), 1);
    await expect(server.proc.exited).resolves.toBe(0);
  });

  it('ends the calls still in progress at ops.drainTimeoutMs and exits 0', async () => {
    const server = await startServer({ SWITCHBOARD__ops__drainTimeoutMs: '1000' });
    const long = await runSipp({ scenario: 'uac-basic', remote: `127.0.0.1:${server.sipPort}`, service: '100', keys: { hold_ms: 15_000 }, hardTimeoutMs: 25_000 });
    await waitFor(async () => {
      const text = await (await fetch(`${server.url}/metrics`)).text();
      return /^switchboard_calls_waiting\{queue="support"\} 1$/m.test(text);
    }, 'the call to be queued', 10_000);
    const sent = Date.now();
    server.proc.child.kill('SIGTERM');
    await expect(server.proc.exited).resolves.toBe(0);
    expect(Date.now() - sent).toBeLessThan(10_000); // well before the caller's 15 s hold ends
    await long.stop();
  });
});
