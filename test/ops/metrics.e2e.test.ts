/**
 * /metrics on the real server: a trunk call (SIPp) to number 100 with nobody logged in waits in
 * the queue and hangs up → one abandoned call, its wait observed; the gauges read routing; killing
 * the embedded rtpengine counts one media relay error.
 */
import { execFileSync } from 'node:child_process';
import { assertSippPassed, runSipp } from '../support/sipp';
import { stopAll, waitFor } from '../support/processes';
import { startServer, type ServerProcess } from '../e2e/server-process';

function sample(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? 0 : Number(line.slice(series.length + 1));
}

async function scrape(server: ServerProcess): Promise<string> {
  const res = await fetch(`${server.url}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
  return res.text();
}

describe('metrics of the running server', () => {
  afterAll(async () => stopAll());

  it('counts an abandoned call, its wait, the operators, and a media relay error', async () => {
    const server = await startServer();
    const before = await scrape(server);
    expect(sample(before, 'switchboard_calls_total{queue="support",outcome="abandoned"}')).toBe(0);
    expect(sample(before, 'switchboard_operators{state="offline"}')).toBeGreaterThan(0);
    expect(sample(before, 'switchboard_operators{state="available"}')).toBe(0);
    expect(before).toContain('switchboard_process_cpu_seconds_total');

    const trunk = await runSipp({ scenario: 'uac-basic', remote: `127.0.0.1:${server.sipPort}`, service: '100', keys: { hold_ms: 1500 }, hardTimeoutMs: 20_000 });
    await waitFor(async () => sample(await scrape(server), 'switchboard_calls_waiting{queue="support"}') === 1, 'the call to wait in the queue', 10_000);
    assertSippPassed(await trunk.done(), 1);
    let after = '';
    await waitFor(async () => {
      after = await scrape(server);
      return sample(after, 'switchboard_calls_total{queue="support",outcome="abandoned"}') === 1;
    }, 'the abandoned call to be counted', 10_000);
    expect(sample(after, 'switchboard_calls_total{queue="support",outcome="answered"}')).toBe(0);
    expect(sample(after, 'switchboard_call_wait_seconds_count{queue="support",outcome="abandoned"}')).toBe(1);
    expect(sample(after, 'switchboard_call_wait_seconds_sum{queue="support",outcome="abandoned"}')).toBeGreaterThanOrEqual(1);
    expect(sample(after, 'switchboard_calls_waiting{queue="support"}')).toBe(0);
    expect(sample(after, 'switchboard_media_relay_errors_total')).toBe(0);
    // the caller was answered into the queue: one set-up time, well under a second
    expect(sample(after, 'switchboard_call_setup_seconds_count{queue="support"}')).toBe(1);
    expect(sample(after, 'switchboard_call_setup_seconds_sum{queue="support"}')).toBeLessThan(1);
    // SIP messages by method and status: the INVITE, ACK and BYE in, the 100/200s out
    expect(sample(after, 'switchboard_sip_messages_total{direction="in",kind="request",name="INVITE"}')).toBeGreaterThanOrEqual(1);
    expect(sample(after, 'switchboard_sip_messages_total{direction="in",kind="request",name="BYE"}')).toBeGreaterThanOrEqual(1);
    expect(sample(after, 'switchboard_sip_messages_total{direction="out",kind="response",name="100"}')).toBeGreaterThanOrEqual(1);
    expect(sample(after, 'switchboard_sip_messages_total{direction="out",kind="response",name="200"}')).toBeGreaterThanOrEqual(2);

    // an operator signs in (routing: paused, reason login)
    const offline = sample(after, 'switchboard_operators{state="offline"}');
    await server.login('alice', 'alice-demo');
    const signedIn = await scrape(server);
    expect(sample(signedIn, 'switchboard_operators{state="paused"}')).toBe(1);
    expect(sample(signedIn, 'switchboard_operators{state="offline"}')).toBe(offline - 1);

    const rtpengine = Number(execFileSync('pgrep', ['-P', String(server.proc.child.pid), 'rtpengine'], { encoding: 'utf8' }).trim().split('\n')[0]);
    process.kill(rtpengine, 'SIGKILL');
    await waitFor(async () => sample(await scrape(server), 'switchboard_media_relay_errors_total') === 1, 'the relay error to be counted', 10_000);
  });
});
