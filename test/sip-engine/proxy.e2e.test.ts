/**
 * srf.proxyRequest on the embedded engine (drachtio's `proxy` command), unmodified drachtio-srf with
 * SIPp on both sides: a record-routed call whose ACK and BYE pass through the proxy, CANCEL
 * propagation, serial failover after a busy target, a 3xx followed by the proxy, a target that never
 * answers given up after finalTimeout — and a 3xx followed by an app's own createUAC.
 */
import type Srf from 'drachtio-srf';
import { assertSippPassed, runSipp } from '../support/sipp';
import { freeSipPort } from '../support/ports';
import { SDP, engineForEachTest } from './fixture';

interface ProxyResult { finalStatus: number; connected: boolean; responses: Array<{ msgs: Array<{ status: number }> }> }

describe('srf.proxyRequest through the engine', () => {
  const engine = engineForEachTest();
  const uri = (port: number, user = 'service') => `sip:${user}@127.0.0.1:${port}`;
  /** The app proxies every INVITE to `targets`; resolves with proxyRequest's result. */
  const proxyInvites = (targets: string[], opts: Record<string, unknown>) => new Promise<ProxyResult>((resolve, reject) => {
    engine().srf.invite((req: Srf.SrfRequest) => {
      (engine().srf.proxyRequest(req, targets, opts) as unknown as Promise<ProxyResult>).then(resolve, reject);
    });
  });


  it('record-routes a call: 180 and 200 reach the caller, the ACK and the BYE pass through the proxy', async () => {
    const uas = await runSipp({ scenario: 'uas-basic', calls: 1, keys: { ring_ms: 100 } });
    await uas.ready();
    const result = proxyInvites([uri(uas.port)], { recordRoute: true });
    const uac = await runSipp({ scenario: 'uac-basic', remote: engine().target, calls: 1, keys: { hold_ms: 200 }, traceMessages: true });
    const r = await result;
    expect(r).toMatchObject({ finalStatus: 200, connected: true });
    expect(r.responses.flatMap((x) => x.msgs.map((m) => m.status))).toEqual([180, 200]);
    const uacResult = await uac.done();
    assertSippPassed(uacResult, 1);
    assertSippPassed(await uas.done(), 1);
    // the caller's BYE was routed to the proxy by the Record-Route it learnt
    expect(uacResult.messageLog).toMatch(new RegExp(`Record-Route: <sip:127\\.0\\.0\\.1:${engine().sipPort}[^>]*;lr>`));
    expect(uacResult.messageLog).toMatch(new RegExp(`BYE sip:uas@127\\.0\\.0\\.1:${uas.port}[^\\n]*\\n(?:[^\\n]+\\n)*?Route: <sip:127\\.0\\.0\\.1:${engine().sipPort}`));
    expect((await engine().stats()).dialogs).toBe(0); // a proxy keeps no dialog
  });

  it('copies the headers given with proxyRequest into the forwarded request, never the ones naming the transaction', async () => {
    const uas = await runSipp({ scenario: 'uas-basic', calls: 1, traceMessages: true });
    await uas.ready();
    const result = proxyInvites([uri(uas.port)], {
      recordRoute: true, headers: { 'X-Switchboard-Queue': 'support', Subject: 'from the app', 'Call-ID': 'not-this-call-id', CSeq: '99 INVITE' },
    });
    const uac = await runSipp({ scenario: 'uac-basic', remote: engine().target, calls: 1, keys: { hold_ms: 100 } });
    expect(await result).toMatchObject({ finalStatus: 200, connected: true });
    assertSippPassed(await uac.done(), 1);
    const uasResult = await uas.done();
    assertSippPassed(uasResult, 1);
    const invite = /INVITE sip:[^\n]*\n(?:[^\n]*\S[^\n]*\n)*/.exec(uasResult.messageLog)?.[0] ?? '';
    expect(invite).toMatch(/^X-Switchboard-Queue: support\r?$/im);
    expect(invite).toMatch(/^Subject: from the app\r?$/im);
    expect(invite).not.toContain('not-this-call-id');
    expect(invite).not.toMatch(/^CSeq: 99/im);
  });

  it('propagates the caller\'s CANCEL to the ringing target; the 487 reaches the caller', async () => {
    const uas = await runSipp({ scenario: 'uas-ring-wait-cancel', calls: 1 });
    await uas.ready();
    const result = proxyInvites([uri(uas.port)], {});
    const uac = await runSipp({ scenario: 'uac-cancel', remote: engine().target, calls: 1, keys: { cancel_after: 180 } });
    expect(await result).toMatchObject({ finalStatus: 487, connected: false });
    assertSippPassed(await uac.done(), 1);
    assertSippPassed(await uas.done(), 1);
  });

  it('tries the next target after a 486 (serial forking) and connects there', async () => {
    const busy = await runSipp({ scenario: 'uas-status', calls: 1, keys: { status: 486 } });
    const good = await runSipp({ scenario: 'uas-basic', calls: 1 });
    await Promise.all([busy.ready(), good.ready()]);
    const result = proxyInvites([uri(busy.port), uri(good.port)], { recordRoute: true });
    const uac = await runSipp({ scenario: 'uac-basic', remote: engine().target, calls: 1, keys: { hold_ms: 100 } });
    const r = await result;
    expect(r.finalStatus).toBe(200);
    expect(r.responses.flatMap((x) => x.msgs.map((m) => m.status))).toEqual([486, 180, 200]);
    assertSippPassed(await uac.done(), 1);
    assertSippPassed(await busy.done(), 1);
    assertSippPassed(await good.done(), 1);
  });

  it('forks in parallel (simultaneous): the first 200 wins, the other ringing target gets a CANCEL', async () => {
    const answers = await runSipp({ scenario: 'uas-basic', calls: 1, keys: { ring_ms: 300 } });
    const rings = await runSipp({ scenario: 'uas-ring-wait-cancel', calls: 1 });
    await Promise.all([answers.ready(), rings.ready()]);
    const result = proxyInvites([uri(rings.port), uri(answers.port)], { forking: 'simultaneous', recordRoute: true });
    const uac = await runSipp({ scenario: 'uac-basic', remote: engine().target, calls: 1, keys: { hold_ms: 100 } });
    expect(await result).toMatchObject({ finalStatus: 200, connected: true });
    assertSippPassed(await uac.done(), 1);
    assertSippPassed(await answers.done(), 1);
    assertSippPassed(await rings.done(), 1); // it got the CANCEL and answered 487
  });

  it('follows a 302 when asked (followRedirects) and connects to the Contact it names', async () => {
    const good = await runSipp({ scenario: 'uas-basic', calls: 1 });
    await good.ready();
    const redirect = await runSipp({ scenario: 'uas-redirect', calls: 1, keys: { target: uri(good.port) } });
    await redirect.ready();
    // record-routed: SIPp sends every request to the address it called, the proxy, which forwards the BYE
    const result = proxyInvites([uri(redirect.port)], { followRedirects: true, recordRoute: true });
    const uac = await runSipp({ scenario: 'uac-basic', remote: engine().target, calls: 1, keys: { hold_ms: 100 } });
    expect((await result).finalStatus).toBe(200);
    assertSippPassed(await uac.done(), 1);
    assertSippPassed(await redirect.done(), 1);
    assertSippPassed(await good.done(), 1);
  });

  it('gives up a ringing target that never answers after finalTimeout: CANCEL to it, 408 to the caller', async () => {
    const silent = await runSipp({ scenario: 'uas-ring-wait-cancel', calls: 1 });
    await silent.ready();
    const result = proxyInvites([uri(silent.port)], { finalTimeout: '500ms' });
    const uac = await runSipp({ scenario: 'uac-expect-status', remote: engine().target, calls: 1, keys: { status: 408 } });
    expect((await result).finalStatus).toBe(408);
    assertSippPassed(await uac.done(), 1);
    assertSippPassed(await silent.done(), 1);
  });

  it('a Request-URI nobody listens at times out to 408 without hanging the caller', async () => {
    const nobody = await freeSipPort();
    const result = proxyInvites([uri(nobody)], { provisionalTimeout: '300ms' });
    const uac = await runSipp({ scenario: 'uac-expect-status', remote: engine().target, calls: 1, keys: { status: 408 } });
    expect((await result).finalStatus).toBe(408);
    assertSippPassed(await uac.done(), 1);
  });
});

describe('createUAC following a 3xx (drachtio-srf followRedirects)', () => {
  const engine = engineForEachTest();

  it('the 302 reaches the app, which calls the Contact and gets the call', async () => {
    const good = await runSipp({ scenario: 'uas-basic', calls: 1 });
    await good.ready();
    const redirect = await runSipp({ scenario: 'uas-redirect', calls: 1, keys: { target: `sip:service@127.0.0.1:${good.port}` } });
    await redirect.ready();
    const dlg = await engine().srf.createUAC(`sip:service@127.0.0.1:${redirect.port}`, { localSdp: SDP(), followRedirects: true } as Srf.CreateUACOptions);
    expect(dlg.remote.sdp).toContain('m=audio');
    dlg.destroy();
    assertSippPassed(await redirect.done(), 1);
    assertSippPassed(await good.done(), 1);
  });
});
