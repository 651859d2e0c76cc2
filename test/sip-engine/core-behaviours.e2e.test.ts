import * as net from 'node:net';
import type { SipResponse } from '../../server/sip-engine/message/message';
import { encodeFrame, FrameDecoder } from '../../server/sip-engine/drachtio/framing';
import { startEngine, type EngineFixture } from './fixture';
import { rawRequest, UdpPeer } from './udp-peer';

const isStatus = (status: number, method?: string) => (m: { kind: string }) =>
  m.kind === 'response' && (m as SipResponse).status === status && (!method || (m as SipResponse).cseq.method === method);

describe('engine behaviours apps rely on (raw SIP over UDP)', () => {
  let fx: EngineFixture;
  let peer: UdpPeer;
  beforeEach(async () => {
    fx = await startEngine();
    peer = await new UdpPeer().open();
  });
  afterEach(async () => {
    peer.close();
    await fx.close();
  });

  it('answers 100 Trying at once and 503 when no app routes the method', async () => {
    peer.send(rawRequest(peer.port, 'INVITE'), fx.sipPort);
    await peer.waitFor(isStatus(100), '100 Trying');
    await peer.waitFor(isStatus(503), '503');
    peer.send(rawRequest(peer.port, 'OPTIONS'), fx.sipPort);
    await peer.waitFor(isStatus(503, 'OPTIONS'), '503 to OPTIONS');
  });

  it('refuses an option tag it does not implement with 420 and an Unsupported header', async () => {
    fx.srf.invite((_req, res) => res.send(200));
    peer.send(rawRequest(peer.port, 'INVITE', { headers: 'Require: 100rel, foo-extension\r\n' }), fx.sipPort);
    const res = (await peer.waitFor(isStatus(420), '420')) as SipResponse;
    expect(res.get('unsupported')).toBe('foo-extension');
  });

  it('answers 481 to a BYE or re-INVITE for a dialog it does not know', async () => {
    peer.send(rawRequest(peer.port, 'BYE', { toTag: 'nope' }), fx.sipPort);
    await peer.waitFor(isStatus(481, 'BYE'), '481 to BYE');
    peer.send(rawRequest(peer.port, 'INVITE', { toTag: 'nope' }), fx.sipPort);
    await peer.waitFor(isStatus(481, 'INVITE'), '481 to INVITE');
  });

  it('answers 481 to a CANCEL that matches no INVITE', async () => {
    peer.send(rawRequest(peer.port, 'CANCEL'), fx.sipPort);
    await peer.waitFor(isStatus(481, 'CANCEL'), '481 to CANCEL');
  });

  it('routes a request to the app that asked for its method, and sends the app response back with a To tag', async () => {
    fx.srf.use('options', (req, res) => res.send(200, { headers: { 'X-Seen-From': req.source_address } }));
    peer.send(rawRequest(peer.port, 'OPTIONS'), fx.sipPort);
    const res = (await peer.waitFor(isStatus(200, 'OPTIONS'), '200')) as SipResponse;
    expect(res.get('x-seen-from')).toBe('127.0.0.1');
    expect(res.get('to')).toMatch(/;tag=\w+/);
  });
});

describe('the admin socket', () => {
  let fx: EngineFixture;
  beforeEach(async () => {
    fx = await startEngine({ connectApp: false });
  });
  afterEach(() => fx.close());

  function session() {
    const sock = net.connect(fx.adminPort, '127.0.0.1');
    const dec = new FrameDecoder();
    const got: string[] = [];
    sock.on('data', (d: Buffer) => got.push(...dec.push(d)));
    const closed = new Promise<void>((r) => sock.on('close', () => r()));
    const waitFor = async (re: RegExp) => {
      for (let i = 0; i < 200; i++) {
        const m = got.find((g) => re.test(g));
        if (m) return m;
        await new Promise((r) => setTimeout(r, 10));
      }
      throw new Error(`no reply matching ${re}; got ${JSON.stringify(got)}`);
    };
    return { sock, got, closed, waitFor, send: (p: string) => sock.write(encodeFrame(p)) };
  }

  it('refuses a wrong secret and closes the connection', async () => {
    const s = session();
    s.send('m1|authenticate|wrong|');
    await s.waitFor(/\|response\|m1\|NO\|incorrect secret/);
    await s.closed;
  });

  it('answers authenticate with hostports and a version, ping with pong, proxy of an unknown transaction with NOK', async () => {
    const s = session();
    s.send('m1|authenticate|test-secret|');
    const auth = await s.waitFor(/\|response\|m1\|/);
    expect(auth.split('|').slice(3, 5)).toEqual(['OK', `udp/127.0.0.1:${fx.sipPort},tcp/127.0.0.1:${fx.sipPort}`]);
    expect(auth.split('|')[5]).toMatch(/^v\d+\.\d+\.\d+/);
    s.send('m2|ping');
    await s.waitFor(/\|response\|m2\|OK\|pong/);
    s.send('m3|proxy|txn|||||serial|||sip:a@b\r\nINVITE sip:a@b SIP/2.0\r\n\r\n');
    await s.waitFor(/\|response\|m3\|NOK\|unknown transaction id/);
    s.send('m4|sip||nosuchdialog\r\nBYE sip:placeholder SIP/2.0\r\n\r\n');
    await s.waitFor(/\|response\|m4\|NOK\|Server error: unable to find dialog/);
    s.sock.destroy();
  });

  it('closes a connection that sends a broken frame, and keeps serving others', async () => {
    const bad = session();
    bad.sock.write('garbage-without-length#oops');
    await bad.closed;
    const good = session();
    good.send('m1|authenticate|test-secret|');
    await good.waitFor(/\|response\|m1\|OK/);
    good.sock.destroy();
  });
});
