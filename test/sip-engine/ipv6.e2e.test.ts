/**
 * IPv6 listening: the engine on [::1] over UDP and TCP, with SIPp calling in and drachtio-srf calling
 * out — Via and Contact carry the address in brackets (RFC 3261 §25.1).
 */
import Srf from 'drachtio-srf';
import { SipEngine } from '../../server/sip-engine/engine';
import { assertSippPassed, runSipp, type SippTransport } from '../support/sipp';
import { stopAll } from '../support/processes';
import { freeSipPort } from '../support/ports';
import { SDP } from './fixture';

describe.each([['UDP', 'u1'], ['TCP', 't1']] as Array<[string, SippTransport]>)('the engine listening on [::1] over %s', (name, transport) => {
  let engine: SipEngine;
  let srf: Srf;
  let port: number;
  const tp = name === 'TCP' ? ';transport=tcp' : '';
  beforeEach(async () => {
    port = await freeSipPort();
    engine = new SipEngine({ listen: [{ protocol: 'udp', address: '::1', port }, { protocol: 'tcp', address: '::1', port }], admin: { address: '127.0.0.1', port: 0, secret: 's' } });
    await engine.start();
    srf = new Srf();
    await new Promise<void>((resolve, reject) => {
      srf.connect({ host: '127.0.0.1', port: engine.adminPort, secret: 's' });
      srf.once('connect', (err: Error | null) => (err ? reject(err) : resolve()));
    });
  });
  afterEach(async () => {
    await stopAll();
    srf.disconnect();
    await engine.close();
  });

  it('reports its hostports with brackets, and SIPp calls in (createUAS, BYE from the caller)', async () => {
    expect(engine.hostports()).toBe(`udp/[::1]:${port},tcp/[::1]:${port}`);
    const destroyed = new Promise<void>((resolve) => {
      srf.invite(async (req, res) => {
        const dlg = await srf.createUAS(req, res, { localSdp: SDP() });
        dlg.on('destroy', () => resolve());
      });
    });
    const uac = await runSipp({ scenario: 'uac-basic', remote: `[::1]:${port}`, localAddress: '::1', transport, calls: 1, keys: { hold_ms: 100 } });
    assertSippPassed(await uac.done(), 1);
    await destroyed;
  });

  it('calls a SIPp phone at an IPv6 address (createUAC), Via sent-by in brackets', async () => {
    const uas = await runSipp({ scenario: 'uas-basic', localAddress: '::1', transport, calls: 1 });
    await uas.ready();
    const dlg = await srf.createUAC(`sip:service@[::1]:${uas.port}${tp}`, { localSdp: SDP() });
    expect(dlg.remote.sdp).toContain('m=audio');
    dlg.destroy();
    assertSippPassed(await uas.done(), 1);
  });
});
