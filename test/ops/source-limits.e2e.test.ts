/**
 * The SIP engine's per-source request rate in the server as the composition root starts it (engine
 * worker, signalling, routing, rtpengine; the trunk is 127.0.0.1, so it is trusted): a burst of INVITEs from 127.0.0.2 is cut off after the default
 * burst, the drops show in the metrics /metrics serves, and a trunk call still goes through.
 */
import * as dgram from 'node:dgram';
import { assertSippPassed, runSipp } from '../support/sipp';
import { stopAll, waitFor } from '../support/processes';
import { startCallStack } from '../calls/call-stack';

function sample(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? NaN : Number(line.slice(series.length + 1));
}

describe('per-source request rate on the running server', () => {
  let stack: Awaited<ReturnType<typeof startCallStack>> | undefined;
  afterAll(async () => {
    await stopAll();
    await stack?.close();
  });

  it('drops a burst from a non-trunk source beyond the default burst, counts it in the metrics /metrics serves, and lets the trunk call', async () => {
    stack = await startCallStack({ operators: ['alice'] });
    const server = { sipPort: stack.sipPort };
    const sb = stack.sb;
    const scrape = () => sb.metrics.render();
    const before = await scrape();
    expect(sample(before, 'switchboard_limit_trips_total{limit="source-request-rate"}')).toBe(0);
    expect(sample(before, 'switchboard_sip_blocked_sources')).toBe(0);

    const sock = dgram.createSocket('udp4');
    const statuses: string[] = [];
    sock.on('message', (b) => statuses.push(b.toString('latin1', 8, 11)));
    await new Promise<void>((resolve) => sock.bind(0, '127.0.0.2', () => resolve()));
    const lport = sock.address().port;
    try {
      for (let i = 0; i < 200; i++) {
        sock.send(`OPTIONS sip:100@127.0.0.1:${server.sipPort} SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.2:${lport};branch=z9hG4bK-burst-${i};rport\r\n` +
          `From: <sip:x@127.0.0.2>;tag=b${i}\r\nTo: <sip:100@127.0.0.1>\r\nCall-ID: burst-${i}-${process.pid}\r\nCSeq: 1 OPTIONS\r\n` +
          'Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n', server.sipPort, '127.0.0.1');
      }
      let metrics = '';
      await waitFor(async () => {
        metrics = await scrape();
        return sample(metrics, 'switchboard_limit_trips_total{limit="source-request-rate"}') >= 150;
      }, 'the drops to show in /metrics', 20_000).catch((err: Error) => { throw new Error(`${err.message}: ${metrics.split('\n').filter((l) => l.includes('limit_trips') || l.includes('blocked') || l.includes('sip_messages')).join('; ')}; ${statuses.length} answers`); });
      // about the burst (40, plus what the bucket refilled while the 200 were sent) was answered, the rest dropped unanswered
      expect(statuses.length).toBeLessThanOrEqual(50);
      expect(sample(metrics, 'switchboard_sip_messages_total{direction="in",kind="request",name="OPTIONS"}')).toBeLessThanOrEqual(50);
    } finally {
      sock.close();
    }

    const trunk = await runSipp({ scenario: 'uac-basic', remote: `127.0.0.1:${server.sipPort}`, service: '100', keys: { hold_ms: 500 }, hardTimeoutMs: 30_000 });
    assertSippPassed(await trunk.done(), 1);
  }, 180_000);
});
