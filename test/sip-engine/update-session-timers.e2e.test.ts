/**
 * UPDATE (RFC 3311) in early and confirmed dialogs, both directions, with unmodified drachtio-srf;
 * then session timers (RFC 4028) as drachtio-server runs them: negotiated in the 200, refreshed by
 * the peer (the call outlives the interval), refreshed by the engine when it is the refresher, and
 * a call whose refresh never comes ended with a BYE ("Session timer expired") at the interval.
 * Min-SE is lowered to 1 s so that a 2 s interval can be watched.
 */
import type Srf from 'drachtio-srf';
import { assertSippPassed, runSipp, type SippTransport } from '../support/sipp';
import { stopAll, waitFor } from '../support/processes';
import type { SipEngineStats } from '../../server/sip-engine/engine';
import { engineForEachTest, engineScenario, onDestroy, SDP, startEngine, type EngineFixture } from './fixture';

const transports: Array<[string, SippTransport]> = [['UDP', 'u1'], ['TCP', 't1']];

describe.each(transports)('UPDATE with drachtio-srf over %s', (name, transport) => {
  const engine = engineForEachTest();

  it('a caller UPDATEs while ringing (the INVITE\'s update event) and once answered (the dialog\'s update event)', async () => {
    const seen: string[] = [];
    engine().srf.invite((req, res) => {
      res.send(180);
      // srf emits 'update' on the INVITE for an UPDATE in its early dialog (its typings omit it)
      (req as unknown as NodeJS.EventEmitter).on('update', (update: Srf.SrfRequest, updateRes: Srf.SrfResponse) => {
        seen.push(`early ${/a=(sendonly|sendrecv)/.exec(update.body)?.[1]}`);
        updateRes.send(200, { body: SDP(6002) });
        void engine().srf.createUAS(req, res, { localSdp: SDP() }).then((dlg) => {
          dlg.on('update', (u: Srf.SrfRequest, r: Srf.SrfResponse) => {
            seen.push(`confirmed ${/a=(sendonly|sendrecv)/.exec(u.body)?.[1]}`);
            r.send(200, { body: SDP(6004) });
          });
        });
      });
    });
    const uac = await runSipp({ scenario: engineScenario('uac-update'), remote: engine().target, transport, calls: 1 });
    assertSippPassed(await uac.done(), 1);
    expect(seen).toEqual(['early sendonly', 'confirmed sendrecv']);
  });

  it('the callee UPDATEs the app\'s outgoing call while ringing and once answered', async () => {
    const uas = await runSipp({ scenario: engineScenario('uas-update'), transport, calls: 1 });
    await uas.ready();
    const uri = `sip:service@127.0.0.1:${uas.port}${name === 'TCP' ? ';transport=tcp' : ''}`;
    const dlg = await engine().srf.createUAC(uri, { localSdp: SDP() }); // srf answers the early UPDATE itself
    const confirmed = new Promise<string>((resolve) => {
      dlg.on('update', (u: Srf.SrfRequest, r: Srf.SrfResponse) => {
        r.send(200, { body: SDP(6006) });
        resolve(u.body);
      });
    });
    expect(await confirmed).toContain('a=sendonly');
    dlg.destroy();
    assertSippPassed(await uas.done(), 1);
  });
});

describe('session timers (RFC 4028)', () => {
  let fx: EngineFixture;
  beforeEach(async () => {
    fx = await startEngine({ sessionTimers: { minSE: 1 } });
  });
  afterEach(async () => {
    await stopAll();
    await fx.close();
  });

  const answer = () => new Promise<Srf.Dialog>((resolve) => {
    fx.srf.invite(async (req, res) => resolve(await fx.srf.createUAS(req, res, { localSdp: SDP() })));
  });

  it('a call whose refresh never comes is ended with a BYE at the interval, and the app is told why', async () => {
    const dialog = answer();
    const uac = await runSipp({ scenario: engineScenario('uac-session-expire'), remote: fx.target, transport: 'u1', calls: 1, keys: { se: 2 } });
    const dlg = await dialog;
    const started = Date.now();
    const reason = await new Promise<string>((resolve) => onDestroy(dlg, (_msg, r) => resolve(r)));
    expect(reason).toBe('Session timer expired');
    expect(Date.now() - started).toBeGreaterThanOrEqual(1500); // not before the 2 s interval
    assertSippPassed(await uac.done(), 1);
  });

  it('a caller that refreshes with UPDATE keeps the call up past the interval', async () => {
    const dialog = answer();
    const uac = await runSipp({
      scenario: engineScenario('uac-session-refresh'), remote: fx.target, transport: 'u1', calls: 1, keys: { se: 2, refresh_ms: 900 },
    });
    const dlg = await dialog;
    const ended = new Promise<string>((resolve) => onDestroy(dlg, (_msg, r) => resolve(r)));
    assertSippPassed(await uac.done(), 1); // three refreshes 0.9 s apart, then its own BYE at ~3.6 s
    expect(await ended).toBe('normal release');
  });

  it('when asked to refresh (refresher=uas) the engine sends the refreshing re-INVITE itself', async () => {
    const dialog = answer();
    const uac = await runSipp({
      scenario: engineScenario('uac-session-uas-refresh'), remote: fx.target, transport: 'u1', calls: 1, keys: { se: 2 },
    });
    const dlg = await dialog;
    const events: string[] = [];
    dlg.on('modify', () => events.push('modify')); // the refresh is the engine's, not shown to the app
    assertSippPassed(await uac.done(), 1);
    expect(events).toEqual([]);
  });

  it('an app calling out whose callee makes it the refresher: the engine refreshes with a re-INVITE', async () => {
    const uas = await runSipp({ scenario: engineScenario('uas-session-refresh'), transport: 'u1', calls: 1, keys: { se: 2 } });
    await uas.ready();
    const dlg = await fx.srf.createUAC(`sip:service@127.0.0.1:${uas.port}`, { localSdp: SDP(), headers: { Supported: 'timer' } });
    const messages = async () => ((await fx.stats()) as unknown as SipEngineStats).messages;
    // the callee checks that the refresh (about 1 s in) comes before our BYE, with refresher=uac and our SDP;
    // the BYE waits for the refresh's 200 (acknowledged by the engine as it arrives): the callee wants that ACK first
    await waitFor(async () => {
      const m = await messages();
      return (m.out['request:INVITE'] ?? 0) >= 2 && (m.in['response:200'] ?? 0) >= 2;
    }, 'the refreshing re-INVITE to be answered', 5000);
    dlg.destroy();
    assertSippPassed(await uas.done(), 1);
  });

  it('a re-INVITE or UPDATE asking less than Min-SE gets 422 with Min-SE', async () => {
    await fx.close();
    fx = await startEngine({ sessionTimers: { minSE: 90 } });
    const dialog = answer();
    const uac = await runSipp({
      scenario: engineScenario('uac-session-refresh'), remote: fx.target, transport: 'u1', calls: 1, keys: { se: 30, refresh_ms: 50 },
    });
    await dialog;
    const result = await uac.done();
    // the INVITE's 30 s is raised to Min-SE in the 200; the first UPDATE asking 30 s is refused
    expect(result.failedCalls).toBe(1);
    expect(result.errorLog).toMatch(/422/);
  });
});
