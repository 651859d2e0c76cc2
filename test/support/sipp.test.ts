import * as fs from 'node:fs';
import {
  assertSippPassed, formatErrorLog, listScenarios, parseStatsCsv, resolveKeys, runSipp, scenarioKeys, scenarioPath,
  type SippError, type SippOptions, type SippTransport,
} from './sipp';
import { stopAll } from './processes';

/** A UAC scenario and the UAS scenario it runs against, SIPp talking to SIPp on 127.0.0.1. */
interface Pair {
  name: string;
  uas: Omit<SippOptions, 'transport' | 'calls'>;
  uac: Omit<SippOptions, 'transport' | 'calls' | 'remote'>;
  calls: number;
}

const PAIRS: Pair[] = [
  { name: 'basic call', calls: 3, uas: { scenario: 'uas-basic', keys: { ring_ms: 20 } },
    uac: { scenario: 'uac-basic', keys: { hold_ms: 20, caller: '0100000001' }, rate: 50 } },
  { name: 'far side hangs up', calls: 2, uas: { scenario: 'uas-bye', keys: { hold_ms: 20 } },
    uac: { scenario: 'uac-remote-bye', rate: 50 } },
  { name: 'trunk caller with external media, far side hangs up', calls: 1, uas: { scenario: 'uas-bye', keys: { hold_ms: 20 } },
    uac: { scenario: 'uac-trunk-media', keys: { rtp_port: 40000 } } },
  { name: 'trunk caller following re-INVITEs, far side hangs up', calls: 1, uas: { scenario: 'uas-bye', keys: { hold_ms: 20 } },
    uac: { scenario: 'uac-trunk-media-reinvite', keys: { rtp_port: 40000 } } },
  { name: 'refused with 486', calls: 2, uas: { scenario: 'uas-status', keys: { status: 486, reason: 'Busy Here' } },
    uac: { scenario: 'uac-expect-status', keys: { status: 486 }, rate: 50 } },
  { name: 'refused with 503 after ringing', calls: 1, uas: { scenario: 'uas-status', keys: { status: 503, ring_ms: 20 } },
    uac: { scenario: 'uac-expect-status', keys: { status: 503 } } },
  { name: 'redirected with 302', calls: 1, uas: { scenario: 'uas-redirect', keys: { target: 'sip:elsewhere@127.0.0.1:5999' } },
    uac: { scenario: 'uac-expect-status', keys: { status: 302 } } },
  { name: 'subscription notified, then terminated by the notifier', calls: 1, uas: { scenario: 'uas-notifier' },
    uac: { scenario: 'uac-subscribe' } },
  { name: 'cancelled while ringing', calls: 2, uas: { scenario: 'uas-ring-wait-cancel' },
    uac: { scenario: 'uac-cancel', keys: { ring_ms: 20 }, rate: 50 } },
  { name: 'cancelled while queued at 100', calls: 1, uas: { scenario: 'uas-ring-wait-cancel', keys: { ring: 0 } },
    uac: { scenario: 'uac-cancel', keys: { cancel_after: 100 } } },
  { name: 'hold and resume', calls: 2, uas: { scenario: 'uas-reinvite', keys: { min_reinvites: 2 } },
    uac: { scenario: 'uac-reinvite', keys: { hold_ms: 10 }, rate: 50 } },
  { name: 'INFO and REFER to the caller', calls: 1, uas: { scenario: 'uas-send-info-refer' },
    uac: { scenario: 'uac-info-refer' } },
  { name: 'REFER then INFO to the caller', calls: 1, uas: { scenario: 'uas-send-info-refer', keys: { refer_first: 1 } },
    uac: { scenario: 'uac-info-refer' } },
  { name: 'INFO and REFER to the callee', calls: 1, uas: { scenario: 'uas-info-refer' },
    uac: { scenario: 'uac-send-info-refer', keys: { dtmf: 9 } } },
  { name: 'REFER then INFO to the callee', calls: 1, uas: { scenario: 'uas-info-refer' },
    uac: { scenario: 'uac-send-info-refer', keys: { refer_first: 1 } } },
  { name: 'register', calls: 2, uas: { scenario: 'uas-registrar' },
    uac: { scenario: 'register', service: '1001', keys: { expires: 60 }, rate: 50 } },
  { name: 'register with digest', calls: 1, uas: { scenario: 'uas-registrar-auth', keys: { password: 's3cret' } },
    uac: { scenario: 'register-auth', service: '1001', auth: { user: '1001', password: 's3cret' } } },
  { name: 'register users from a CSV', calls: 3, uas: { scenario: 'uas-registrar-auth', keys: { password: 'secret' } },
    uac: { scenario: 'register-users', injectionFile: 'users.csv', rate: 50 } },
];

async function runPair(pair: Pair, transport: SippTransport) {
  const uas = await runSipp({ ...pair.uas, transport, calls: pair.calls, recvTimeoutMs: 5000, hardTimeoutMs: 15000 });
  const uac = await runSipp({
    ...pair.uac, transport, calls: pair.calls, remote: `127.0.0.1:${uas.port}`, recvTimeoutMs: 5000, hardTimeoutMs: 15000,
  });
  return Promise.all([uac.done(), uas.done()]);
}

afterEach(stopAll);

describe('SIPp scenarios, SIPp against SIPp', () => {
  it('every scenario file is exercised by a pair below', () => {
    const used = new Set(PAIRS.flatMap((p) => [`${p.uas.scenario}.xml`, `${p.uac.scenario}.xml`]));
    expect(listScenarios().filter((f) => !used.has(f))).toEqual([]);
  });

  describe.each<SippTransport>(['u1', 't1'])('over %s', (transport) => {
    it.each(PAIRS.map((p) => [p.name, p] as const))('%s', async (_name, pair) => {
      const [uac, uas] = await runPair(pair, transport);
      assertSippPassed(uac, pair.calls);
      assertSippPassed(uas, pair.calls);
    });
  });
});

describe('runSipp', () => {
  it('fills in declared key defaults and refuses missing or unknown keys', () => {
    expect(scenarioKeys(scenarioPath('uas-status')!)).toEqual([
      { name: 'status' }, { name: 'reason', defaultValue: 'Refused' }, { name: 'ring_ms', defaultValue: '0' },
    ]);
    expect(resolveKeys(scenarioPath('uac-basic'), { hold_ms: 5 })).toEqual({ hold_ms: '5', caller: 'sipp' });
    expect(() => resolveKeys(scenarioPath('uas-status'), {})).toThrow(/needs the key "status"/);
    expect(() => resolveKeys(scenarioPath('uac-basic'), { hold: 5 })).toThrow(/declares no key "hold"/);
    expect(() => scenarioPath('no-such-scenario')).toThrow(/no such SIPp scenario/);
  });

  it('reports a failed call with its reason from the error log', async () => {
    const uas = await runSipp({ scenario: 'uas-status', keys: { status: 404 } });
    const uac = await runSipp({
      scenario: 'uac-expect-status', keys: { status: 486 }, remote: `127.0.0.1:${uas.port}`, traceMessages: true,
    });
    const [c, s] = await Promise.all([uac.done(), uas.done()]);
    assertSippPassed(s, 1);
    expect(c).toMatchObject({ exitCode: 1, successfulCalls: 0, failedCalls: 1, stopped: false });
    expect(c.stats?.failureCauses).toEqual({ FailedTimeoutOnRecv: 1 });
    expect(c.errorLog).toMatch(/expected final status 486, got 404/);
    expect(c.messageLog).toMatch(/SIP\/2\.0 404 Refused/);
    expect(() => assertSippPassed(c)).toThrow(/expected final status 486, got 404/);
    expect(fs.existsSync(c.traceDir)).toBe(true); // kept for a look after a failure
    expect(fs.existsSync(s.traceDir)).toBe(false);
    fs.rmSync(c.traceDir, { recursive: true, force: true });
  });

  it('kills a run at the hard timeout and says so', async () => {
    // nobody listens there: SIPp retransmits the INVITE for half a minute
    const uac = await runSipp({ scenario: 'uac-basic', remote: '127.0.0.1:9', hardTimeoutMs: 1000 });
    const started = Date.now();
    const err = await uac.done().then(() => null, (e: SippError) => e);
    expect(err?.message).toMatch(/uac-basic \(pid \d+, port \d+\) was still running after 1000 ms and was killed/);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(() => process.kill(uac.pid, 0)).toThrow();
    expect(fs.existsSync(err!.result!.traceDir)).toBe(true); // kept for a look
    fs.rmSync(err!.result!.traceDir, { recursive: true, force: true });
  });

  it('is stopped by stopAll(), and the result says it was stopped', async () => {
    const uas = await runSipp({ scenario: 'uas-basic', calls: 0 });
    await stopAll();
    const result = await uas.done();
    expect(result.stopped).toBe(true);
    expect(() => process.kill(uas.pid, 0)).toThrow();
  });

  it('quit() lets an open-ended UAS finish its calls and exit', async () => {
    const uas = await runSipp({ scenario: 'uas-basic', calls: 0, transport: 't1' });
    const uac = await runSipp({ scenario: 'uac-basic', calls: 4, rate: 100, keys: { hold_ms: 0 }, transport: 't1',
      remote: `127.0.0.1:${uas.port}` });
    assertSippPassed(await uac.done(), 4);
    uas.quit();
    const result = await uas.done();
    assertSippPassed(result, 4);
    expect(result.stats?.responseTimesMs.ResponseTime1).toBeGreaterThanOrEqual(0);
  });

  it('survives 5 % packet loss over UDP thanks to retransmissions', async () => {
    // The call is held long enough for the UAS to retransmit its 200 twice (0.5 s, 1.5 s) if
    // the ACK was lost, and the UAS lingers through the BYE's retransmissions (0.5, 1, 2, 4 s) if
    // its 200 was lost — with a shorter linger, two losses in a row left the UAC retransmitting
    // into nothing until the hard timeout.
    const uas = await runSipp({ scenario: 'uas-basic', calls: 6, keys: { linger_ms: 8000 }, hardTimeoutMs: 45_000 });
    const uac = await runSipp({ scenario: 'uac-basic', calls: 6, rate: 50, keys: { hold_ms: 1600 }, lostPercent: 5,
      remote: `127.0.0.1:${uas.port}`, hardTimeoutMs: 45_000 });
    const [c, s] = await Promise.all([uac.done(), uas.done()]);
    assertSippPassed(c, 6);
    assertSippPassed(s, 6);
  });

  it('refuses -lost over TCP', async () => {
    await expect(runSipp({ scenario: 'uac-basic', transport: 't1', lostPercent: 5, remote: '127.0.0.1:9' }))
      .rejects.toThrow(/UDP only/);
  });

  it('fails fast with the reason when a UAS cannot start', async () => {
    const busy = await runSipp({ scenario: 'uas-basic', calls: 0, transport: 't1' });
    const err = await runSipp({ scenario: 'uas-basic', transport: 't1', localPort: busy.port }).then(() => null, (e: SippError) => e);
    expect(err?.message).toMatch(/exited before listening on port \d+\nexit: 254 \(fatal error binding a socket\)/);
    expect(err?.result?.errorLog).toMatch(/Unable to bind main socket/);
    fs.rmSync(err!.result!.traceDir, { recursive: true, force: true });
  });
});

describe('SIPp output parsing', () => {
  it('reads the cumulative columns of the last statistics line', () => {
    const csv = [
      'StartTime;TotalCallCreated;SuccessfulCall(P);SuccessfulCall(C);FailedCall(P);FailedCall(C);'
        + 'FailedUnexpectedMessage(C);Retransmissions(C);ResponseTime1(C);',
      'x;1;0;0;0;0;0;0;00:00:00:000000;',
      'x;5;1;3;0;2;2;7;00:00:00:002500;',
    ].join('\n');
    expect(parseStatsCsv(csv)).toMatchObject({
      totalCalls: 5, successfulCalls: 3, failedCalls: 2, retransmissions: 7,
      failureCauses: { FailedUnexpectedMessage: 2 }, responseTimesMs: { ResponseTime1: 2.5 },
    });
    expect(parseStatsCsv('StartTime;\n')).toBeNull();
  });

  it('puts each error-log event on its own line', () => {
    const raw = 'The following events occurred:\n2026-01-01\t10:00:00.000001\t1.1: first2026-01-01\t10:00:00.000002\t1.2: second';
    expect(formatErrorLog(raw).split('\n')).toEqual([
      '2026-01-01\t10:00:00.000001\t1.1: first', '2026-01-01\t10:00:00.000002\t1.2: second',
    ]);
  });
});
