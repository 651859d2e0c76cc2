/**
 * RFC 3262 (100rel / PRACK) both ways with unmodified drachtio-srf: a trunk that requires 100rel is
 * answered 183 (reliable) + PRACK + 200; an app calling out PRACKs a reliable 180 (srf sends the
 * PRACK, the engine builds it in the early dialog). Then the engine's own duties, with a raw UDP
 * peer and fast timers: re-sending the reliable provisional until the PRACK, 481 for a PRACK that
 * matches nothing, and 504 when no PRACK ever comes.
 */
import type Srf from 'drachtio-srf';
import type { SipResponse } from '../../server/sip-engine/message/message';
import { assertSippPassed, runSipp, type SippTransport } from '../support/sipp';
import { engineForEachTest, engineScenario, SDP, startEngine, type EngineFixture } from './fixture';
import { rawRequest, UdpPeer } from './udp-peer';

/** srf's Response.send takes a fifth argument, called on the PRACK; its typings omit it. */
type SendWithPrack = (status: number, reason: string, opts: object, cb: undefined, onPrack: (prack: Srf.SrfRequest) => void) => void;
function sendReliably(res: Srf.SrfResponse, status: number, sdp: string, onPrack: (prack: Srf.SrfRequest) => void): void {
  (res.send as unknown as SendWithPrack).call(res, status, 'Session Progress', { headers: { Require: '100rel' }, body: sdp }, undefined, onPrack);
}

const transports: Array<[string, SippTransport]> = [['UDP', 'u1'], ['TCP', 't1']];

describe.each(transports)('100rel and PRACK with drachtio-srf over %s', (name, transport) => {
  const engine = engineForEachTest();

  it('a trunk INVITE with Require: 100rel is answered 183 (reliable) + PRACK + 200', async () => {
    const pracks: string[] = [];
    engine().srf.invite((req, res) => {
      // as with drachtio-server, the app asks for a reliable provisional with Require: 100rel
      sendReliably(res, 183, SDP(), (prack) => {
        pracks.push(prack.get('RAck'));
        void engine().srf.createUAS(req, res, { localSdp: SDP() });
      });
    });
    const uac = await runSipp({ scenario: engineScenario('uac-100rel'), remote: engine().target, transport, calls: 2, keys: { hold_ms: 100 } });
    assertSippPassed(await uac.done(), 2);
    expect(pracks).toHaveLength(2);
    expect(pracks[0]).toMatch(/^\d+ 1 INVITE$/);
    expect((await engine().stats()).dialogs).toBe(0);
  });

  it('an app calling out PRACKs a reliable 180, then the call goes on in the same dialog', async () => {
    const uas = await runSipp({ scenario: engineScenario('uas-100rel'), transport, calls: 1 });
    await uas.ready();
    const provisional: Array<[number, string | undefined]> = [];
    const uri = `sip:service@127.0.0.1:${uas.port}${name === 'TCP' ? ';transport=tcp' : ''}`;
    const dlg = await engine().srf.createUAC(uri, { localSdp: SDP(), headers: { Supported: '100rel' } }, {
      cbProvisional: (res: Srf.SrfResponse) => provisional.push([res.status, res.get('RSeq')]),
    });
    expect(provisional).toContainEqual([180, '1']);
    dlg.destroy();
    assertSippPassed(await uas.done(), 1);
  });
});

describe('reliable provisional responses: retransmission, PRACK matching, time-out (raw UDP peer)', () => {
  const T1 = 20; // 64*T1 = 1.28 s
  let fx: EngineFixture;
  let peer: UdpPeer;
  beforeEach(async () => {
    fx = await startEngine({ protocols: ['udp'], timers: { T1, T2: 160, T4: 200 } });
    peer = await new UdpPeer().open();
  });
  afterEach(async () => {
    peer.close();
    await fx.close();
  });

  const isStatus = (status: number, method = 'INVITE') => (m: { kind: string }) =>
    m.kind === 'response' && (m as SipResponse).status === status && (m as SipResponse).cseq.method === method;

  it('re-sends the reliable 183 until the PRACK; a PRACK for another RSeq gets 481', async () => {
    const pracked = new Promise<void>((resolve) => {
      fx.srf.invite((req, res) => {
        sendReliably(res, 183, SDP(), () => {
          resolve();
          void fx.srf.createUAS(req, res, { localSdp: SDP() });
        });
      });
    });
    const invite = rawRequest(peer.port, 'INVITE', { body: SDP(7000), headers: 'Supported: 100rel\r\nContent-Type: application/sdp\r\n' });
    peer.send(invite, fx.sipPort);
    const first = (await peer.waitFor(isStatus(183), '183')) as SipResponse;
    expect(first.get('require')).toBe('100rel');
    const rseq = Number(first.get('rseq'));
    // re-sent at T1, 2*T1, 4*T1: wait for the third copy
    await peer.waitFor(() => peer.received.filter(isStatus(183)).length >= 3, 'three copies of the 183');
    expect(peer.received.filter(isStatus(183)).every((m) => Number(m.get('rseq')) === rseq)).toBe(true);

    peer.send(prackFor(invite, first, peer.port, rseq + 7, 'z9hG4bK-prack-bad', 2), fx.sipPort);
    await peer.waitFor(isStatus(481, 'PRACK'), '481 to a PRACK for an RSeq never sent');
    peer.send(prackFor(invite, first, peer.port, rseq, 'z9hG4bK-prack-good', 3), fx.sipPort);
    await peer.waitFor(isStatus(200, 'PRACK'), '200 to the PRACK');
    await pracked;
    await peer.waitFor(isStatus(200), '200 to the INVITE');
    const copies = peer.received.filter(isStatus(183)).length;
    await new Promise((r) => setTimeout(r, 8 * T1)); // long enough for two more copies, were it still re-sending
    expect(peer.received.filter(isStatus(183)).length).toBe(copies);
  });

  it('sends reliably when the INVITE requires it, and rejects the INVITE with 504 when no PRACK comes', async () => {
    fx.srf.invite((_req, res) => res.send(180));
    peer.send(rawRequest(peer.port, 'INVITE', { body: SDP(7000), headers: 'Require: 100rel\r\nContent-Type: application/sdp\r\n' }), fx.sipPort);
    const ringing = await peer.waitFor(isStatus(180), '180');
    expect(ringing.get('rseq')).toMatch(/^\d+$/);
    expect(ringing.get('require')).toBe('100rel');
    const final = (await peer.waitFor(isStatus(504), '504 after 64*T1 without PRACK', 10_000)) as SipResponse;
    expect(final.get('to')).toBe(ringing.get('to')); // same To tag as the early dialog
    expect((await fx.stats()).dialogs).toBe(0);
  });

  it('refuses to send reliably to a caller that does not support 100rel', async () => {
    const outcome = new Promise<unknown>((resolve) => {
      fx.srf.invite((_req, res) => {
        res.send(183, 'Session Progress', { headers: { Require: '100rel' }, body: SDP() }, (err: unknown) => {
          resolve(err);
          res.send(488);
        });
      });
    });
    peer.send(rawRequest(peer.port, 'INVITE', { body: SDP(7000), headers: 'Content-Type: application/sdp\r\n' }), fx.sipPort);
    expect(String(await outcome)).toMatch(/does not support 100rel/);
    await peer.waitFor(isStatus(488), '488');
  });
});

function prackFor(invite: string, prov: SipResponse, port: number, rseq: number, branch: string, cseq: number): string {
  const callId = /Call-ID: (.*)\r\n/.exec(invite)![1];
  const from = /From: (.*)\r\n/.exec(invite)![1];
  const target = /<([^>]+)>/.exec(prov.get('contact')!)![1];
  return `PRACK ${target} SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:${port};branch=${branch}\r\n` +
    `From: ${from}\r\nTo: ${prov.get('to')}\r\nCall-ID: ${callId}\r\nCSeq: ${cseq} PRACK\r\nRAck: ${rseq} 1 INVITE\r\n` +
    `Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n`;
}
