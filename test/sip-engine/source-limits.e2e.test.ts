/**
 * Per-source limits in the SIP engine, against the real engine (in its worker thread, as the server
 * runs it) with an unmodified drachtio-srf app, SIPp as the trusted trunk on 127.0.0.1 and raw
 * sockets from the loopback alias 127.0.0.2 as the abuser: an INVITE flood is dropped without
 * responses while good calls go on, connections per source are capped, and a connection whose
 * message stays incomplete is closed; the engine's log about bad input is rate-limited.
 */
import * as net from 'node:net';
import * as path from 'node:path';
import WebSocket from 'ws';
import { assertSippPassed, runSipp } from '../support/sipp';
import { startProcess, stopAll, waitFor } from '../support/processes';
import { SDP, startEngine, type EngineFixture } from './fixture';
import { TransportLayer } from '../../server/sip-engine/transport/transport-layer';
import { SourceLimits } from '../../server/sip-engine/transport/source-limits';
import { SipEngine } from '../../server/sip-engine/engine';
import { UdpPeer } from './udp-peer';

const ABUSER = '127.0.0.2';

const options = (port: number, branch: string) =>
  `OPTIONS sip:100@127.0.0.1:${port} SIP/2.0\r\nVia: SIP/2.0/TCP ${ABUSER}:5999;branch=z9hG4bK-${branch}\r\n` +
  `From: <sip:probe@${ABUSER}>;tag=${branch}\r\nTo: <sip:100@127.0.0.1>\r\nCall-ID: ${branch}\r\nCSeq: 1 OPTIONS\r\n` +
  'Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n';
// (no app routes OPTIONS here: whatever the engine answers shows the request was read)

interface Peer {
  socket: net.Socket;
  data: string;
  closed: Promise<void>;
  isClosed: () => boolean;
}

/** A TCP connection from the abuser's address; resolves once connected (the engine may still close it). */
async function connectFrom(port: number, localAddress = ABUSER): Promise<Peer> {
  const socket = net.connect({ host: '127.0.0.1', port, localAddress });
  let closed = false;
  const peer: Peer = {
    socket, data: '',
    closed: new Promise((resolve) => socket.once('close', () => { closed = true; resolve(); })),
    isClosed: () => closed,
  };
  socket.on('data', (d: Buffer) => { peer.data += d.toString('latin1'); });
  socket.on('error', () => undefined); // a reset shows as close, which the tests wait for
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('close', () => reject(new Error('closed before connecting')));
  });
  return peer;
}

describe('per-source limits in the SIP engine', () => {
  let fx: EngineFixture | undefined;
  afterEach(async () => {
    await stopAll();
    await fx?.close();
    fx = undefined;
  });

  it('drops a 1,000 INVITE/s flood from a non-trusted source with under 2 response packets per INVITE; 10 concurrent calls from the trusted trunk all succeed', async () => {
    fx = await startEngine({ worker: true, sourceLimits: { requestsPerSecond: 20, burst: 40, blockSeconds: 10, trusted: ['127.0.0.1'] } });
    const f = fx;
    let refused = 0;
    f.srf.invite(async (req, res) => {
      // the app's own policy: only the trunk may call; the engine has already dropped most of the flood
      if (req.source_address !== '127.0.0.1') {
        refused++;
        res.send(403);
        return;
      }
      await f.srf.createUAS(req, res, { localSdp: SDP() });
    });

    const flood = startProcess('node', [path.join(__dirname, '../../scripts/bench/invite-flood.mjs'), String(f.sipPort), '1000', '5', ABUSER, '2']);
    // the good calls start once the engine has blocked the abuser, so they run inside the flood
    await waitFor(async () => (await f.stats()).limits.blocks > 0, 'the flooding source to be blocked', 20_000);
    const uac = await runSipp({
      scenario: 'uac-basic', remote: f.target, calls: 10, rate: 10, ratePeriodMs: 100, maxConcurrent: 10,
      keys: { hold_ms: 1000 }, hardTimeoutMs: 60_000,
    });
    assertSippPassed(await uac.done(), 10);
    expect(await flood.exited).toBe(0);

    const result = JSON.parse(flood.output()) as { sent: number; responses: number; statuses: Record<string, number> };
    const stats = await f.stats();
    console.log(`flood: ${result.sent} INVITEs, ${result.responses} response packets back (${JSON.stringify(result.statuses)}), ` +
      `${stats.limits.trips['source-request-rate']} dropped by the engine, ${refused} refused by the app`);
    expect(result.sent).toBeGreaterThanOrEqual(1000);
    expect(result.responses).toBeLessThan(2 * result.sent);
    // all but a burst's worth never reached a transaction
    expect(stats.limits.trips['source-request-rate']).toBeGreaterThan(result.sent - 200);
    expect(refused).toBeLessThanOrEqual(200);
  }, 120_000);

  it('caps TCP connections per source: one too many is closed at once, a freed place can be taken again; trusted sources are exempt', async () => {
    fx = await startEngine({ sourceLimits: { maxConnectionsPerSource: 3, trusted: ['127.0.0.1'] } });
    const f = fx;
    const peers = [await connectFrom(f.sipPort), await connectFrom(f.sipPort), await connectFrom(f.sipPort)];
    peers.forEach((p, i) => p.socket.write(options(f.sipPort, `cap-${i}`)));
    await waitFor(() => peers.every((p) => p.data.startsWith('SIP/2.0 ')), 'answers on the three connections', 20_000);

    const extra = await connectFrom(f.sipPort);
    extra.socket.write(options(f.sipPort, 'cap-extra'));
    await extra.closed;
    expect(extra.data).toBe('');
    expect((await f.stats()).limits.trips['connections-per-source']).toBe(1);

    peers[0]!.socket.end();
    await peers[0]!.closed;
    // the engine frees the place when it sees the close; a new connection gets in once it has
    await waitFor(async () => {
      const again = await connectFrom(f.sipPort);
      again.socket.write(options(f.sipPort, `cap-again-${Date.now()}`));
      await Promise.race([again.closed, waitFor(() => again.data.startsWith('SIP/2.0 '), 'an answer', 10_000)]);
      const ok = !again.isClosed() && again.data.startsWith('SIP/2.0 ');
      again.socket.destroy();
      return ok;
    }, 'a connection in the freed place to be answered', 20_000);

    const trusted = await Promise.all(Array.from({ length: 5 }, () => connectFrom(f.sipPort, '127.0.0.1')));
    trusted.forEach((p, i) => p.socket.write(options(f.sipPort, `trusted-${i}`)));
    await waitFor(() => trusted.every((p) => p.data.startsWith('SIP/2.0 ')), 'answers to the trusted source', 20_000);
    for (const p of [...peers, ...trusted]) p.socket.destroy();
  }, 60_000);

  it('closes a TCP connection whose message stays incomplete past the timeout, and only that one', async () => {
    fx = await startEngine({ sourceLimits: { incompleteMessageSeconds: 1 } });
    const f = fx;
    const good = await connectFrom(f.sipPort);
    good.socket.write(options(f.sipPort, 'whole'));
    await waitFor(() => good.data.startsWith('SIP/2.0 '), 'the answer to a whole message', 20_000);

    const stalled = await connectFrom(f.sipPort);
    const text = options(f.sipPort, 'half');
    stalled.socket.write(text.slice(0, text.length / 2));
    await stalled.closed;
    expect(stalled.data).toBe('');
    expect((await f.stats()).limits.trips['incomplete-message']).toBe(1);
    // the idle connection that sent whole messages is still open and still served
    expect(good.isClosed()).toBe(false);
    good.data = '';
    good.socket.write(options(f.sipPort, 'whole-again'));
    await waitFor(() => good.data.startsWith('SIP/2.0 '), 'the answer on the idle connection', 20_000);
    good.socket.destroy();
  }, 60_000);

  describe('WebSocket', () => {
    let layer: TransportLayer | undefined;
    afterEach(async () => {
      await layer?.close();
      layer = undefined;
    });

    it('caps connections per source and closes a handshake that stalls', async () => {
      const limits = new SourceLimits({ maxConnectionsPerSource: 2, incompleteMessageSeconds: 1 });
      layer = new TransportLayer([{ protocol: 'ws', address: '127.0.0.1', port: 0 }], limits);
      await layer.listen();
      const port = layer.listening()[0]!.port;
      const open = (localAddress: string) => new Promise<WebSocket>((resolve, reject) => {
        const ws = new WebSocket(`ws://127.0.0.1:${port}`, 'sip', { localAddress });
        ws.once('open', () => resolve(ws));
        ws.once('error', reject);
      });
      const first = [await open(ABUSER), await open(ABUSER)];
      await expect(open(ABUSER)).rejects.toThrow();
      expect(limits.stats().trips['connections-per-source']).toBe(1);
      const other = await open('127.0.0.3');

      first[0]!.terminate();
      await waitFor(async () => {
        try {
          (await open(ABUSER)).terminate();
          return true;
        } catch {
          return false;
        }
      }, 'a WebSocket in the freed place', 20_000);

      // half an HTTP upgrade request, then nothing: closed after the timeout
      const stalled = await connectFrom(port, '127.0.0.3');
      stalled.socket.write(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\n`);
      await stalled.closed;
      expect(limits.stats().trips['incomplete-message']).toBe(1);
      expect(other.readyState).toBe(WebSocket.OPEN);
      for (const ws of [...first, other]) ws.terminate();
    }, 60_000);
  });
});

describe('the engine\'s log about bad input', () => {
  it('logs a few lines a minute per source, not one per bad message', async () => {
    const lines: Array<{ obj: object; msg?: string }> = [];
    const record = (obj: object, msg?: string) => lines.push({ obj, msg });
    const engine = new SipEngine({
      listen: [{ protocol: 'udp', address: '127.0.0.1', port: 0 }], admin: { address: '127.0.0.1', port: 0, secret: 's' },
      badInputLogsPerMinute: 3, logger: { debug: () => undefined, info: record, warn: record, error: record },
    });
    await engine.start();
    const peer = await new UdpPeer().open();
    try {
      const port = engine.listening()[0]!.port;
      for (let i = 0; i < 50; i++) peer.send(`garbage ${i}\r\n\r\n`, port);
      await waitFor(() => engine.stats().badMessages === 50, 'the 50 bad messages to be read', 20_000);
      expect(lines.filter((l) => l.msg === 'dropped bad message')).toHaveLength(3);
    } finally {
      peer.close();
      await engine.close();
    }
  });
});
