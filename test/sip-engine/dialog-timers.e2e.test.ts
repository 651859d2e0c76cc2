import type { SipRequest, SipResponse } from '../../server/sip-engine/message/message';
import { onDestroy, SDP, startEngine, type EngineFixture } from './fixture';
import { rawRequest, UdpPeer } from './udp-peer';

const T1 = 20; // a fast clock for the timers: 64*T1 = 1.28 s

describe('dialog timers and glare (raw UDP peer)', () => {
  let fx: EngineFixture;
  let peer: UdpPeer;
  beforeEach(async () => {
    fx = await startEngine({ timers: { T1, T2: 160, T4: 200 } });
    peer = await new UdpPeer().open();
  });
  afterEach(async () => {
    peer.close();
    await fx.close();
  });

  it('retransmits the 2xx until the ACK, then sends BYE and tells the app "ACK timeout"', async () => {
    const destroyed = new Promise<string>((resolve) => {
      fx.srf.invite(async (req, res) => {
        const dlg = await fx.srf.createUAS(req, res, { localSdp: SDP() });
        onDestroy(dlg, (_msg, reason) => resolve(reason));
      });
    });
    peer.send(rawRequest(peer.port, 'INVITE', { body: SDP(7000), headers: 'Content-Type: application/sdp\r\n' }), fx.sipPort);
    const reason = await destroyed;
    expect(reason).toBe('ACK timeout');
    const oks = peer.received.filter((m) => m.kind === 'response' && (m as SipResponse).status === 200);
    expect(oks.length).toBeGreaterThanOrEqual(4); // at T1, 2T1, 4T1, 8T1… until 64*T1
    const bye = (await peer.waitFor((m) => m.kind === 'request' && (m as SipRequest).method === 'BYE', 'BYE')) as SipRequest;
    expect(bye.get('reason')).toContain('ACK timeout');
    expect((await fx.stats()).dialogs).toBe(0);
  });

  it('stops retransmitting the 2xx when the ACK arrives, and hands the ACK to the app', async () => {
    const acked = new Promise<void>((resolve) => {
      fx.srf.invite(async (req, res) => {
        const dlg = await fx.srf.createUAS(req, res, { localSdp: SDP() });
        dlg.on('ack', () => resolve());
      });
    });
    const invite = rawRequest(peer.port, 'INVITE', { body: SDP(7000), headers: 'Content-Type: application/sdp\r\n' });
    peer.send(invite, fx.sipPort);
    const ok = (await peer.waitFor((m) => m.kind === 'response' && (m as SipResponse).status === 200, '200')) as SipResponse;
    peer.send(ackFor(invite, ok, peer.port), fx.sipPort);
    await acked;
    const count = peer.received.length;
    await new Promise((r) => setTimeout(r, 10 * T1));
    expect(peer.received.length).toBe(count);
    expect((await fx.stats()).dialogs).toBe(1);
  });

  it('answers 491 to a re-INVITE that crosses one of its own (glare)', async () => {
    const dialog = new Promise<{ modify: (sdp: string) => Promise<unknown> }>((resolve) => {
      fx.srf.invite(async (req, res) => resolve(await fx.srf.createUAS(req, res, { localSdp: SDP() })));
    });
    const invite = rawRequest(peer.port, 'INVITE', { body: SDP(7000), headers: 'Content-Type: application/sdp\r\n' });
    peer.send(invite, fx.sipPort);
    const ok = (await peer.waitFor((m) => m.kind === 'response' && (m as SipResponse).status === 200, '200')) as SipResponse;
    peer.send(ackFor(invite, ok, peer.port), fx.sipPort);
    const dlg = await dialog;
    void dlg.modify(SDP(6000, 'a=sendonly\r\n')).catch(() => undefined); // the peer never answers this one
    await peer.waitFor((m) => m.kind === 'request' && (m as SipRequest).method === 'INVITE', 'our re-INVITE');
    const toTag = /tag=([^;\s]+)/.exec(ok.get('to')!)![1]!;
    const reinvite = invite
      .replace(/To: (.*)\r\n/, `To: $1;tag=${toTag}\r\n`)
      .replace(/CSeq: 1 INVITE/, 'CSeq: 2 INVITE')
      .replace(/branch=[^;\r\n]+/, 'branch=z9hG4bK-glare');
    peer.send(reinvite, fx.sipPort);
    await peer.waitFor((m) => m.kind === 'response' && (m as SipResponse).status === 491, '491');
  });

  it('answers 491 to an offer that crosses the answer owed in its ACK (late offer), and takes it once ACKed', async () => {
    type LateOffer = { sdp: string; ack: (sdp: string) => Promise<{ on(ev: 'modify', l: (req: unknown, res: { send(s: number, o?: object): void }) => void): void }> };
    const answered = fx.srf.createUAC(`sip:peer@127.0.0.1:${peer.port}`, { noAck: true } as never) as unknown as Promise<LateOffer>;
    const invite = (await peer.waitFor((m) => m.kind === 'request' && (m as SipRequest).method === 'INVITE', 'the INVITE')) as SipRequest;
    expect(invite.body.length).toBe(0);
    const toTag = 'peer-tag';
    const response = (status: number, req: SipRequest, body = '') => [
      `SIP/2.0 ${status} X`, ...req.getAll('via').map((v) => `Via: ${v}`), `From: ${req.get('from')}`,
      `To: ${req.get('to')}${/tag=/.test(req.get('to')!) ? '' : `;tag=${toTag}`}`, `Call-ID: ${req.callId}`, `CSeq: ${req.cseq.seq} INVITE`,
      `Contact: <sip:peer@127.0.0.1:${peer.port}>`, ...(body ? ['Content-Type: application/sdp'] : []), `Content-Length: ${Buffer.byteLength(body)}`, '', body,
    ].join('\r\n');
    peer.send(response(200, invite, SDP(7000)), fx.sipPort);
    const late = await answered;
    // the peer offers again before the app has sent its answer (in the ACK): 491, not handed to the app
    const reinvite = (cseq: number, branch: string) => [
      `INVITE ${/<([^>]+)>/.exec(invite.get('contact')!)![1]} SIP/2.0`, `Via: SIP/2.0/UDP 127.0.0.1:${peer.port};branch=z9hG4bK-${branch}`,
      `From: ${invite.get('to')};tag=${toTag}`, `To: ${invite.get('from')}`, `Call-ID: ${invite.callId}`, `CSeq: ${cseq} INVITE`,
      `Contact: <sip:peer@127.0.0.1:${peer.port}>`, 'Max-Forwards: 70', 'Content-Type: application/sdp', `Content-Length: ${Buffer.byteLength(SDP(7002))}`, '', SDP(7002),
    ].join('\r\n');
    peer.send(reinvite(1, 'early-offer'), fx.sipPort);
    await peer.waitFor((m) => m.kind === 'response' && (m as SipResponse).status === 491, '491');
    const dialog = await late.ack(SDP(6000));
    await peer.waitFor((m) => m.kind === 'request' && (m as SipRequest).method === 'ACK', 'the ACK with our answer');
    const modified = new Promise<void>((resolve) => dialog.on('modify', (_req, res) => {
      res.send(200, { body: SDP(6000) });
      resolve();
    }));
    peer.send(reinvite(2, 'after-ack'), fx.sipPort);
    await modified;
  });
});

function ackFor(invite: string, ok: SipResponse, port: number): string {
  const callId = /Call-ID: (.*)\r\n/.exec(invite)![1];
  const from = /From: (.*)\r\n/.exec(invite)![1];
  return `ACK sip:100@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:${port};branch=z9hG4bK-ack-${Date.now()}\r\n` +
    `From: ${from}\r\nTo: ${ok.get('to')}\r\nCall-ID: ${callId}\r\nCSeq: 1 ACK\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n`;
}
